using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// DINO's <c>Attention</c>: <c>qkv</c> (with bias) → softmax(q kᵀ · head_dim^−½) v → <c>proj</c>. DINOv2 scales q
/// before the product (<c>scaleQueries</c>), which rounds differently; Unicom's has the same names and order, without
/// the <c>qkv</c> bias.
/// </summary>
internal sealed class ViTAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly int heads;
    private readonly double scale;
    private readonly bool scaleQueries;

    public ViTAttention(int dim, int heads, bool scaleQueries = false, bool qkvBias = true)
        : base(nameof(ViTAttention))
    {
        this.heads = heads;
        this.scaleQueries = scaleQueries;
        scale = Math.Pow(dim / heads, -0.5);
        qkv = nn.Linear(dim, dim * 3L, hasBias: qkvBias);
        proj = nn.Linear(dim, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = MultiHead(qkv.forward(x), heads, scale, scaleQueries);
        return proj.forward(y).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// softmax(q kᵀ · <paramref name="scale"/>) v per head, from packed projections <paramref name="packed"/> [N, L, 3·D]
    /// (q, k, v one after the other, each split into <paramref name="heads"/>) to [N, L, D], before the output
    /// projection. <paramref name="scaleQueries"/> multiplies q instead of the scores, as DINOv2 and CLIP do.
    /// </summary>
    internal static Tensor MultiHead(Tensor packed, int heads, double scale, bool scaleQueries)
    {
        long n = packed.shape[0], l = packed.shape[1], d = packed.shape[2] / 3;
        var parts = packed.reshape(n, l, 3, heads, d / heads).permute(2, 0, 3, 1, 4);
        Tensor q = parts[0], k = parts[1], v = parts[2];
        var attention = (scaleQueries ? q.mul(scale).matmul(k.transpose(-2, -1)) : q.matmul(k.transpose(-2, -1)).mul(scale)).softmax(-1);
        return attention.matmul(v).transpose(1, 2).reshape(n, l, d);
    }
}
