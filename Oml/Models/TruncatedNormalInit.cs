using TorchSharp;
using TorchSharp.Modules;
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

    /// <summary>
    /// timm's <c>_init_weights</c> of a ViT (DINO's, Unicom's): every Linear weight truncated normal (std
    /// <paramref name="std"/>), its bias 0; every LayerNorm weight 1, bias 0; in <paramref name="module"/>'s module order.
    /// </summary>
    public static void LinearsAndLayerNorms(nn.Module module, double std)
    {
        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case Linear linear:
                    Fill(linear.weight, std);
                    if (linear.bias is not null) nn.init.zeros_(linear.bias);
                    break;
                case LayerNorm layerNorm:
                    nn.init.ones_(layerNorm.weight);
                    nn.init.zeros_(layerNorm.bias);
                    break;
            }
        }
    }
}
