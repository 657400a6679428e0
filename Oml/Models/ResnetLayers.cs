using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>Builds torchvision's ResNet stages (<c>_make_layer</c>) and shortcut projections, and its weight init.</summary>
internal static class ResnetLayers
{
    /// <summary>Sequential(conv 1×1 stride, BN) named "0", "1" when the shape changes; null otherwise.</summary>
    public static Sequential? Downsample(int inChannels, int outChannels, int stride)
    {
        if (stride == 1 && inChannels == outChannels) return null;
        return nn.Sequential(
            ("0", nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false)),
            ("1", nn.BatchNorm2d(outChannels)));
    }

    /// <summary>
    /// How CNTK's padding of a strided layer differs from torchvision's symmetric one, as [left, right, top, bottom]
    /// added to it: null for torchvision; [0, −1, 0, −1] for CNTK (one pixel less after: [3, 2] for the 7×7 stem,
    /// [1, 0] for strided 3×3 convs and the max-pool). The ONNX export writes the sum as the node's own pads.
    /// </summary>
    public static long[]? CntkPadCorrection(ResnetPadding padding, int stride) =>
        padding == ResnetPadding.Cntk && stride > 1 ? [0, -1, 0, -1] : null;

    /// <summary>
    /// A strided layer's output with CNTK's padding from its output with torchvision's symmetric padding: the same
    /// windows from the same start, so equal for an even input side and one row (column) longer for an odd one, which
    /// is dropped. Padding symmetrically inside the layer and dropping a row saves a padded copy of every input.
    /// </summary>
    public static Tensor CntkOutput(Tensor symmetricOutput, long inputHeight, long inputWidth)
    {
        var y = symmetricOutput;
        if (inputHeight % 2 == 1) y = y.narrow(2, 0, y.shape[2] - 1);
        if (inputWidth % 2 == 1) y = y.narrow(3, 0, y.shape[3] - 1);
        return y;
    }

    /// <summary>One stage: blocks named "0", "1", ...; the first has the stride and the shortcut projection.</summary>
    public static Sequential Stage(ResnetBlockKind kind, int inChannels, int width, int blocks, int stride, ResnetPadding padding = ResnetPadding.Torchvision)
    {
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        var channels = inChannels;
        for (var i = 0; i < blocks; i++)
        {
            nn.Module<Tensor, Tensor> block = kind == ResnetBlockKind.Bottleneck
                ? new ResnetBottleneck(channels, width, i == 0 ? stride : 1, padding)
                : new ResnetBasicBlock(channels, width, i == 0 ? stride : 1, padding);
            modules.Add((i.ToString(CultureInfo.InvariantCulture), block));
            channels = kind == ResnetBlockKind.Bottleneck ? width * 4 : width;
        }
        return nn.Sequential(modules);
    }

    /// <summary>torchvision's init: convs kaiming_normal (fan_out, relu), BN weight 1 and bias 0 (zero_init_residual false).</summary>
    public static void InitialiseWeights(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    break;
                case BatchNorm2d bn:
                    nn.init.ones_(bn.weight);
                    nn.init.zeros_(bn.bias);
                    break;
            }
        }
    }
}
