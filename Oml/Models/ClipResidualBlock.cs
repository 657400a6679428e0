using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// CLIP's <c>ResidualAttentionBlock</c> (pre-norm): x + attn(ln_1(x)), then + mlp(ln_2(x)), the MLP being <c>mlp.c_fc</c>
/// → QuickGELU → <c>mlp.c_proj</c> (4× wide). LayerNorm eps 1e-5.
/// </summary>
internal sealed class ClipResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly ClipAttention attn;
    private readonly LayerNorm ln_1;
    private readonly Sequential mlp;
    private readonly LayerNorm ln_2;

    public ClipResidualBlock(int width, int heads)
        : base(nameof(ClipResidualBlock))
    {
        attn = new ClipAttention(width, heads);
        ln_1 = nn.LayerNorm(width, eps: ViTClipExtractor.LayerNormEpsilon);
        mlp = nn.Sequential(("c_fc", nn.Linear(width, width * 4L)), ("gelu", new QuickGelu()), ("c_proj", nn.Linear(width * 4L, width)));
        ln_2 = nn.LayerNorm(width, eps: ViTClipExtractor.LayerNormEpsilon);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = x + attn.forward(ln_1.forward(x));
        x = x + mlp.forward(ln_2.forward(x));
        return x.MoveToOuterDisposeScope();
    }
}
