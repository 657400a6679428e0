using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// PyTorch's <c>nn.MultiheadAttention(width, heads)</c> as CLIP uses it (self-attention, no mask, no extra biases), with its
/// state-dict names: <c>in_proj_weight</c> [3W, W] and <c>in_proj_bias</c> [3W] (q, k, v stacked), <c>out_proj</c>.
/// Takes batch-first tokens [N, L, W]; the sequence-first layout of CLIP's code gives the same numbers.
/// </summary>
internal sealed class ClipAttention : nn.Module<Tensor, Tensor>
{
    private readonly Parameter in_proj_weight;
    private readonly Parameter in_proj_bias;
    private readonly Linear out_proj;
    private readonly int heads;
    private readonly double scale;

    public ClipAttention(int width, int heads)
        : base(nameof(ClipAttention))
    {
        this.heads = heads;
        scale = Math.Pow(width / heads, -0.5);
        in_proj_weight = new Parameter(empty(3L * width, width));
        in_proj_bias = new Parameter(zeros(3L * width));
        out_proj = nn.Linear(width, width);
        RegisterComponents();
        using var noGrad = no_grad();
        // MultiheadAttention._reset_parameters
        nn.init.xavier_uniform_(in_proj_weight);
        nn.init.zeros_(out_proj.bias!);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // nn.MultiheadAttention scales q before the product
        var y = ViTAttention.MultiHead(nn.functional.linear(x, in_proj_weight, in_proj_bias), heads, scale, scaleQueries: true);
        return out_proj.forward(y).MoveToOuterDisposeScope();
    }
}
