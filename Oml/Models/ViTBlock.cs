using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// DINO's <c>Block</c> (pre-norm, no drop path): x + attn(norm1(x)), then + mlp(norm2(x)); the MLP is
/// <c>mlp.fc1</c> → exact (erf) GELU → <c>mlp.fc2</c>. LayerNorm eps 1e-6. DINOv2's block scales each branch
/// (<c>ls1</c>, <c>ls2</c>) before it is added.
/// </summary>
internal sealed class ViTBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly ViTAttention attn;
    private readonly ViTLayerScale? ls1;
    private readonly LayerNorm norm2;
    private readonly Sequential mlp;
    private readonly ViTLayerScale? ls2;

    public ViTBlock(int dim, int heads, int mlpRatio, ViTFamily family = ViTFamily.Dino)
        : base(nameof(ViTBlock))
    {
        var dinov2 = family == ViTFamily.Dinov2;
        norm1 = nn.LayerNorm(dim, eps: ViTExtractor.LayerNormEpsilon);
        attn = new ViTAttention(dim, heads, scaleQueries: dinov2);
        norm2 = nn.LayerNorm(dim, eps: ViTExtractor.LayerNormEpsilon);
        mlp = nn.Sequential(("fc1", nn.Linear(dim, dim * mlpRatio)), ("act", nn.GELU()), ("fc2", nn.Linear(dim * mlpRatio, dim)));
        if (dinov2)
        {
            ls1 = new ViTLayerScale(dim);
            ls2 = new ViTLayerScale(dim);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var attended = attn.forward(norm1.forward(x));
        x = x + (ls1 is null ? attended : ls1.forward(attended));
        var transformed = mlp.forward(norm2.forward(x));
        x = x + (ls2 is null ? transformed : ls2.forward(transformed));
        return x.MoveToOuterDisposeScope();
    }
}
