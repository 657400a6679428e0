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
    /// The padding a strided 3×3 convolution does not do itself: null for torchvision (the conv pads 1 on every side),
    /// [left 1, right 0, top 1, bottom 0] for CNTK (the conv then pads nothing).
    /// </summary>
    public static long[]? StridedPad(ResnetPadding padding, int stride) =>
        padding == ResnetPadding.Cntk && stride > 1 ? [1, 0, 1, 0] : null;

    /// <summary>The conv's own padding when <see cref="StridedPad"/> gives <paramref name="explicitPad"/>.</summary>
    public static int ConvPadding(long[]? explicitPad, int symmetric) => explicitPad is null ? symmetric : 0;

    /// <summary><paramref name="x"/> zero-padded by <paramref name="pad"/> (last dims first), or itself when null.</summary>
    public static Tensor Pad(Tensor x, long[]? pad) => pad is null ? x : nn.functional.pad(x, pad);

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
