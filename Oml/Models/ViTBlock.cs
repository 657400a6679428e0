using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// DINO v1 <c>Block</c> (pre-norm, no drop path): x + attn(norm1(x)), then + mlp(norm2(x)); the MLP is
/// <c>mlp.fc1</c> → exact (erf) GELU → <c>mlp.fc2</c>. LayerNorm eps 1e-6.
/// </summary>
internal sealed class ViTBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly ViTAttention attn;
    private readonly LayerNorm norm2;
    private readonly Sequential mlp;

    public ViTBlock(int dim, int heads, int mlpRatio)
        : base(nameof(ViTBlock))
    {
        norm1 = nn.LayerNorm(dim, eps: ViTExtractor.LayerNormEpsilon);
        attn = new ViTAttention(dim, heads);
        norm2 = nn.LayerNorm(dim, eps: ViTExtractor.LayerNormEpsilon);
        mlp = nn.Sequential(("fc1", nn.Linear(dim, dim * mlpRatio)), ("act", nn.GELU()), ("fc2", nn.Linear(dim * mlpRatio, dim)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = x + attn.forward(norm1.forward(x));
        x = x + mlp.forward(norm2.forward(x));
        return x.MoveToOuterDisposeScope();
    }
}
