using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// Unicom's <c>Block</c> (pre-norm): x + drop_path(attn(norm1(x))), then + drop_path(mlp(norm2(x))); the MLP is
/// <c>mlp.fc1</c> → ReLU6 → <c>mlp.fc2</c>. LayerNorm eps 1e-5. Drop path (stochastic depth) zeroes a sample's branch with
/// probability <c>dropPath</c> and scales the kept ones by 1 / (1 − dropPath), in training only, as timm's does.
/// Unicom's gradient checkpointing (<c>using_checkpoint</c>) trades memory for time and changes no number, so it is not here.
/// </summary>
internal sealed class UnicomBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly LayerNorm norm2;
    private readonly ViTAttention attn;
    private readonly Sequential mlp;
    private readonly double dropPath;

    public UnicomBlock(int dim, int heads, int mlpRatio, double dropPath)
        : base(nameof(UnicomBlock))
    {
        norm1 = nn.LayerNorm(dim, eps: ViTUnicomExtractor.LayerNormEpsilon);
        norm2 = nn.LayerNorm(dim, eps: ViTUnicomExtractor.LayerNormEpsilon);
        attn = new ViTAttention(dim, heads, qkvBias: false);
        mlp = nn.Sequential(("fc1", nn.Linear(dim, (long)dim * mlpRatio)), ("act", nn.ReLU6()), ("fc2", nn.Linear((long)dim * mlpRatio, dim)));
        this.dropPath = dropPath;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = x + DropPath(attn.forward(norm1.forward(x)));
        x = x + DropPath(mlp.forward(norm2.forward(x)));
        return x.MoveToOuterDisposeScope();
    }

    private Tensor DropPath(Tensor branch)
    {
        if (dropPath == 0 || !training) return branch;
        var keep = 1 - dropPath;
        var mask = empty([branch.shape[0], 1, 1], branch.dtype, branch.device).bernoulli_(keep).div_(keep);
        return branch.mul(mask);
    }
}
