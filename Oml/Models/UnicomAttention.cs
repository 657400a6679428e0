using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>Unicom's <c>Attention</c>: <c>qkv</c> without bias → softmax(q kᵀ · head_dim^−½) v → <c>proj</c> (with bias).</summary>
internal sealed class UnicomAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly int heads;
    private readonly double scale;

    public UnicomAttention(int dim, int heads)
        : base(nameof(UnicomAttention))
    {
        this.heads = heads;
        scale = Math.Pow(dim / heads, -0.5);
        qkv = nn.Linear(dim, dim * 3L, hasBias: false);
        proj = nn.Linear(dim, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], l = x.shape[1], d = x.shape[2];
        var parts = qkv.forward(x).reshape(b, l, 3, heads, d / heads).permute(2, 0, 3, 1, 4);
        Tensor q = parts[0], k = parts[1], v = parts[2];
        var attention = q.matmul(k.transpose(-2, -1)).mul(scale).softmax(-1);
        var y = attention.matmul(v).transpose(1, 2).reshape(b, l, d);
        return proj.forward(y).MoveToOuterDisposeScope();
    }
}
