using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// torchvision's <c>Bottleneck</c> (ResNet v1.5, stride on the 3×3): conv1 (1×1) → bn1 → relu → conv2 (3×3, stride) →
/// bn2 → relu → conv3 (1×1, 4 × width) → bn3, + shortcut, relu.
/// </summary>
internal sealed class ResnetBottleneck : nn.Module<Tensor, Tensor>
{
    private const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly Sequential? downsample;
    private readonly bool cntkStrided;

    public ResnetBottleneck(int inChannels, int width, int stride, ResnetPadding padding = ResnetPadding.Torchvision)
        : base(nameof(ResnetBottleneck))
    {
        cntkStrided = ResnetLayers.CntkPadCorrection(padding, stride) is not null;
        conv1 = nn.Conv2d(inChannels, width, 1, bias: false);
        bn1 = nn.BatchNorm2d(width);
        conv2 = nn.Conv2d(width, width, 3, stride: stride, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(width);
        conv3 = nn.Conv2d(width, width * Expansion, 1, bias: false);
        bn3 = nn.BatchNorm2d(width * Expansion);
        downsample = ResnetLayers.Downsample(inChannels, width * Expansion, stride);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.relu(bn1.forward(conv1.forward(x)));
        var z = conv2.forward(y);
        if (cntkStrided) z = ResnetLayers.CntkOutput(z, y.shape[2], y.shape[3]);
        y = nn.functional.relu(bn2.forward(z));
        y = bn3.forward(conv3.forward(y));
        var shortcut = downsample is null ? x : downsample.forward(x);
        return nn.functional.relu(y + shortcut).MoveToOuterDisposeScope();
    }
}
