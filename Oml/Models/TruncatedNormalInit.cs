using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// PyTorch's Python <c>nn.init.trunc_normal_(t, mean 0, std, a, b)</c> (timm's inverse-CDF sampling; the bounds are
/// absolute). TorchSharp 0.107's native <c>trunc_normal_</c> fills a constant (std 0), not a sample.
/// </summary>
internal static class TruncatedNormalInit
{
    public static void Fill(Tensor tensor, double std, double a = -2, double b = 2)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var bounds = special.erf(torch.tensor(new[] { a / std, b / std }, float64) / Math.Sqrt(2)).data<double>().ToArray();
        double low = (1 + bounds[0]) / 2, high = (1 + bounds[1]) / 2;
        tensor.uniform_(2 * low - 1, 2 * high - 1).erfinv_().mul_(std * Math.Sqrt(2)).clamp_(a, b);
    }
}
