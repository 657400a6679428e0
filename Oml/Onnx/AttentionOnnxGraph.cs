using System.Globalization;

namespace Oml.Onnx;

/// <summary>Multi-head self-attention as ONNX nodes, shared by the DINO, CLIP and Unicom graphs.</summary>
internal static class AttentionOnnxGraph
{
    /// <summary>
    /// softmax(q kᵀ · head_dim^−½) v per head, from packed projections <paramref name="qkv"/> [N, L, 3·dim] (q, k, v one
    /// after the other, each split into heads) to [N, L, dim], before the output projection. <paramref name="scaleQueries"/>
    /// multiplies q instead of the scores, as DINOv2's attention does (it rounds differently).
    /// </summary>
    public static string ScaledDotProduct(OnnxGraphBuilder graph, string qkv, int dim, int heads, bool scaleQueries = false)
    {
        var headDim = dim / heads;
        var split = graph.Node("Reshape", [qkv, graph.Int64s(Name("shape.qkv", heads, headDim), [0, 0, 3, heads, headDim])]);
        split = graph.Node("Transpose", [split], OnnxGraphBuilder.Ints("perm", 2, 0, 3, 1, 4));
        string Part(long index) => graph.Node("Gather", [split, graph.Int64s("index.qkv_" + index.ToString(CultureInfo.InvariantCulture), [index], scalar: true)],
            OnnxGraphBuilder.Int("axis", 0));
        string q = Part(0), k = Part(1), v = Part(2);
        var scale = graph.Scalar(Name("attention.scale", headDim), (float)Math.Pow(headDim, -0.5));
        var kT = graph.Node("Transpose", [k], OnnxGraphBuilder.Ints("perm", 0, 1, 3, 2));
        var scores = graph.Node("MatMul", [scaleQueries ? graph.Node("Mul", [q, scale]) : q, kT]);
        if (!scaleQueries) scores = graph.Node("Mul", [scores, scale]);
        var weights = graph.Node("Softmax", [scores], OnnxGraphBuilder.Int("axis", -1));
        var y = graph.Node("MatMul", [weights, v]);
        y = graph.Node("Transpose", [y], OnnxGraphBuilder.Ints("perm", 0, 2, 1, 3));
        return graph.Node("Reshape", [y, graph.Int64s(Name("shape.tokens", dim), [0, 0, dim])]);
    }

    private static string Name(string name, params int[] sizes) =>
        name + "_" + string.Join("x", sizes.Select(s => s.ToString(CultureInfo.InvariantCulture)));
}
