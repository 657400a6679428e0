using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>CLIP's <c>Transformer</c>: the residual blocks under <c>resblocks.{i}</c>, applied in order.</summary>
internal sealed class ClipTransformer : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ClipResidualBlock> resblocks;

    public ClipTransformer(int width, int layers, int heads)
        : base(nameof(ClipTransformer))
    {
        resblocks = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new ClipResidualBlock(width, heads)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var block in resblocks) x = block.forward(x);
        return x.MoveToOuterDisposeScope();
    }
}
