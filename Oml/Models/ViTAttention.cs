using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// DINO's <c>Attention</c>: <c>qkv</c> (with bias) → softmax(q kᵀ · head_dim^−½) v → <c>proj</c>. DINOv2 scales q
/// before the product (<c>scaleQueries</c>), which rounds differently.
/// </summary>
internal sealed class ViTAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly int heads;
    private readonly double scale;
    private readonly bool scaleQueries;

    public ViTAttention(int dim, int heads, bool scaleQueries = false)
        : base(nameof(ViTAttention))
    {
        this.heads = heads;
        this.scaleQueries = scaleQueries;
        scale = Math.Pow(dim / heads, -0.5);
        qkv = nn.Linear(dim, dim * 3, hasBias: true);
        proj = nn.Linear(dim, dim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], n = x.shape[1], c = x.shape[2];
        var parts = qkv.forward(x).reshape(b, n, 3, heads, c / heads).permute(2, 0, 3, 1, 4);
        Tensor q = parts[0], k = parts[1], v = parts[2];
        var attention = (scaleQueries ? q.mul(scale).matmul(k.transpose(-2, -1)) : q.matmul(k.transpose(-2, -1)).mul(scale)).softmax(-1);
        var y = attention.matmul(v).transpose(1, 2).reshape(b, n, c);
        return proj.forward(y).MoveToOuterDisposeScope();
    }
}
