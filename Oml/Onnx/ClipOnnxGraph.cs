using System.Globalization;
using Oml.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Onnx;

/// <summary>
/// <see cref="ViTClipExtractor"/>'s forward as ONNX nodes: <c>conv1</c> → tokens, the class embedding expanded to the batch,
/// + the positional embedding, <c>ln_pre</c>, the residual blocks (packed in-projection, attention, <c>out_proj</c>;
/// QuickGELU as x · Sigmoid(1.702 x)), <c>ln_post</c> of the class token, MatMul by <c>proj</c>.
/// </summary>
internal static class ClipOnnxGraph
{
    /// <summary>The unnormalised features [N, OutputDim] of <paramref name="images"/> [N, 3, height, width].</summary>
    public static string Features(OnnxGraphBuilder graph, string images, ViTClipExtractor clip, string prefix)
    {
        var spec = clip.Spec;
        var modules = new ModuleLookup(clip, prefix);
        var patches = OnnxModules.Conv(graph, images, modules.Get<Conv2d>("conv1"), modules.Path("conv1"));
        var tokens = graph.Node("Reshape", [patches, graph.Int64s("shape.patches", [0, spec.Width, -1])]);
        tokens = graph.Node("Transpose", [tokens], OnnxGraphBuilder.Ints("perm", 0, 2, 1));
        var batch = graph.Node("Shape", [images], OnnxGraphBuilder.Int("start", 0), OnnxGraphBuilder.Int("end", 1));
        var clsShape = graph.Node("Concat", [batch, graph.Int64s("shape.cls_rest", [1, spec.Width])], OnnxGraphBuilder.Int("axis", 0));
        string classEmbedding;
        using (no_grad()) classEmbedding = graph.Weight(modules.Path("class_embedding"), modules.Parameter("class_embedding").reshape(1, 1, spec.Width));
        var x = graph.Node("Concat", [graph.Node("Expand", [classEmbedding, clsShape]), tokens], OnnxGraphBuilder.Int("axis", 1));
        x = graph.Node("Add", [x, graph.Weight(modules.Path("positional_embedding"), modules.Parameter("positional_embedding"))]);
        x = OnnxModules.LayerNorm(graph, x, modules.Get<LayerNorm>("ln_pre"), modules.Path("ln_pre"));
        for (var i = 0; i < spec.Layers; i++) x = Block(graph, x, modules, spec, string.Create(CultureInfo.InvariantCulture, $"transformer.resblocks.{i}"));
        x = graph.Node("Gather", [x, graph.Int64s("index.cls", [0], scalar: true)], OnnxGraphBuilder.Int("axis", 1));
        x = OnnxModules.LayerNorm(graph, x, modules.Get<LayerNorm>("ln_post"), modules.Path("ln_post"));
        return graph.Node("MatMul", [x, graph.Weight(modules.Path("proj"), modules.Parameter("proj"))]);
    }

    /// <summary>x + attn(ln_1(x)), then + mlp(ln_2(x)).</summary>
    private static string Block(OnnxGraphBuilder graph, string x, ModuleLookup modules, ClipSpec spec, string path)
    {
        var h = OnnxModules.LayerNorm(graph, x, modules.Get<LayerNorm>($"{path}.ln_1"), modules.Path($"{path}.ln_1"));
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var weight = graph.Weight(modules.Path($"{path}.attn.in_proj_weight_t"), modules.Parameter($"{path}.attn.in_proj_weight").t());
            h = graph.Node("Add", [graph.Node("MatMul", [h, weight]), graph.Weight(modules.Path($"{path}.attn.in_proj_bias"), modules.Parameter($"{path}.attn.in_proj_bias"))]);
        }
        h = AttentionOnnxGraph.ScaledDotProduct(graph, h, spec.Width, spec.Heads);
        h = OnnxModules.Linear(graph, h, modules.Get<Linear>($"{path}.attn.out_proj"), modules.Path($"{path}.attn.out_proj"));
        x = graph.Node("Add", [x, h]);
        h = OnnxModules.LayerNorm(graph, x, modules.Get<LayerNorm>($"{path}.ln_2"), modules.Path($"{path}.ln_2"));
        h = OnnxModules.Linear(graph, h, modules.Get<Linear>($"{path}.mlp.c_fc"), modules.Path($"{path}.mlp.c_fc"));
        h = graph.Node("Mul", [h, graph.Node("Sigmoid", [graph.Node("Mul", [h, graph.Scalar("quick_gelu.factor", 1.702f)])])]);
        h = OnnxModules.Linear(graph, h, modules.Get<Linear>($"{path}.mlp.c_proj"), modules.Path($"{path}.mlp.c_proj"));
        return graph.Node("Add", [x, h]);
    }
}
