using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>torchvision's <c>BasicBlock</c> (with <see cref="ResnetPadding"/>): conv1 (3×3, stride) → bn1 → relu → conv2 (3×3) → bn2, + shortcut, relu.</summary>
internal sealed class ResnetBasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;
    private readonly bool cntkStrided;

    public ResnetBasicBlock(int inChannels, int width, int stride, ResnetPadding padding = ResnetPadding.Torchvision)
        : base(nameof(ResnetBasicBlock))
    {
        cntkStrided = ResnetLayers.CntkPadCorrection(padding, stride) is not null;
        conv1 = nn.Conv2d(inChannels, width, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(width);
        conv2 = nn.Conv2d(width, width, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(width);
        downsample = ResnetLayers.Downsample(inChannels, width, stride);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = conv1.forward(x);
        if (cntkStrided) y = ResnetLayers.CntkOutput(y, x.shape[2], x.shape[3]);
        y = nn.functional.relu(bn1.forward(y));
        y = bn2.forward(conv2.forward(y));
        var shortcut = downsample is null ? x : downsample.forward(x);
        return nn.functional.relu(y + shortcut).MoveToOuterDisposeScope();
    }
}
