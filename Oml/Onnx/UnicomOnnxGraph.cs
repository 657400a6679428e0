using System.Globalization;
using Oml.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Onnx;

/// <summary>
/// <see cref="ViTUnicomExtractor"/>'s forward as ONNX nodes: patch Conv → tokens + <c>pos_embed</c>, the pre-norm blocks
/// (attention, ReLU6 as Clip(0, 6)), <c>norm</c>, every token flattened, and the feature head as two Gemms with the
/// inference-mode batch norms folded in (<see cref="BatchNormFolding"/>). Drop path is the identity in inference.
/// </summary>
internal static class UnicomOnnxGraph
{
    /// <summary>The unnormalised features [N, EmbeddingSize] of <paramref name="images"/> [N, 3, height, width].</summary>
    public static string Features(OnnxGraphBuilder graph, string images, ViTUnicomExtractor unicom, string prefix)
    {
        var spec = unicom.Spec;
        var modules = new ModuleLookup(unicom, prefix);
        var patches = OnnxModules.Conv(graph, images, modules.Get<Conv2d>("patch_embed.proj"), modules.Path("patch_embed.proj"));
        var x = graph.Node("Reshape", [patches, graph.Int64s("shape.patches", [0, spec.Dim, -1])]);
        x = graph.Node("Transpose", [x], OnnxGraphBuilder.Ints("perm", 0, 2, 1));
        x = graph.Node("Add", [x, graph.Weight(modules.Path("pos_embed"), modules.Parameter("pos_embed"))]);
        for (var i = 0; i < spec.Depth; i++) x = Block(graph, x, modules, spec, string.Create(CultureInfo.InvariantCulture, $"blocks.{i}"));
        x = OnnxModules.LayerNorm(graph, x, modules.Get<LayerNorm>("norm"), modules.Path("norm"));
        x = graph.Node("Reshape", [x, graph.Int64s("shape.flat", [0, -1])]);
        x = FoldedGemm(graph, x, modules, "feature.0", "feature.1");
        return FoldedGemm(graph, x, modules, "feature.2", "feature.3");
    }

    /// <summary>x + attn(norm1(x)), then + mlp(norm2(x)).</summary>
    private static string Block(OnnxGraphBuilder graph, string x, ModuleLookup modules, UnicomSpec spec, string path)
    {
        var h = OnnxModules.LayerNorm(graph, x, modules.Get<LayerNorm>($"{path}.norm1"), modules.Path($"{path}.norm1"));
        h = OnnxModules.Linear(graph, h, modules.Get<Linear>($"{path}.attn.qkv"), modules.Path($"{path}.attn.qkv"));
        h = AttentionOnnxGraph.ScaledDotProduct(graph, h, spec.Dim, spec.Heads);
        h = OnnxModules.Linear(graph, h, modules.Get<Linear>($"{path}.attn.proj"), modules.Path($"{path}.attn.proj"));
        x = graph.Node("Add", [x, h]);
        h = OnnxModules.LayerNorm(graph, x, modules.Get<LayerNorm>($"{path}.norm2"), modules.Path($"{path}.norm2"));
        h = OnnxModules.Linear(graph, h, modules.Get<Linear>($"{path}.mlp.fc1"), modules.Path($"{path}.mlp.fc1"));
        h = graph.Node("Clip", [h, graph.Scalar("relu6.min", 0f), graph.Scalar("relu6.max", 6f)]);
        h = OnnxModules.Linear(graph, h, modules.Get<Linear>($"{path}.mlp.fc2"), modules.Path($"{path}.mlp.fc2"));
        return graph.Node("Add", [x, h]);
    }

    /// <summary>A bias-free Linear followed by an inference-mode BatchNorm1d, as one Gemm.</summary>
    private static string FoldedGemm(OnnxGraphBuilder graph, string x, ModuleLookup modules, string linearPath, string normPath)
    {
        var linear = modules.Get<Linear>(linearPath);
        var norm = modules.Get<BatchNorm1d>(normPath);
        var (weight, bias) = BatchNormFolding.Fold(Floats(linear.weight!), [], Floats(norm.weight!), Floats(norm.bias!),
            Floats(norm.running_mean!), Floats(norm.running_var!), norm.eps);
        var folded = graph.Weight(modules.Path(linearPath) + ".weight_bn_folded", weight, linear.weight!.shape);
        var foldedBias = graph.Weight(modules.Path(linearPath) + ".bias_bn_folded", bias, [bias.Length]);
        return graph.Node("Gemm", [x, folded, foldedBias], OnnxGraphBuilder.Int("transB", 1));
    }

    private static float[] Floats(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();
    }
}
