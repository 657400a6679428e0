using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Onnx;

/// <summary>
/// TorchSharp modules as ONNX nodes: a convolution (with the batch norm after it folded in), a linear layer, a layer
/// norm. Initializers are named after the module's path in the state dict.
/// </summary>
internal static class OnnxModules
{
    /// <summary>
    /// Conv with the module's kernel, stride, dilation and groups. The ONNX pads are the module's own symmetric padding
    /// plus <paramref name="extraPad"/>, a correction in torch's order [left, right, top, bottom] (CNTK's strided layers: one pixel less after).
    /// </summary>
    public static string Conv(OnnxGraphBuilder graph, string x, Conv2d conv, string path, BatchNorm2d? batchNorm = null, long[]? extraPad = null)
    {
        using var scope = NewDisposeScope();
        var weight = Floats(conv.weight!);
        var bias = conv.bias is null ? [] : Floats(conv.bias);
        if (batchNorm is not null)
        {
            (weight, bias) = BatchNormFolding.Fold(weight, bias, Floats(batchNorm.weight!), Floats(batchNorm.bias!),
                Floats(batchNorm.running_mean!), Floats(batchNorm.running_var!), batchNorm.eps);
        }
        var padding = conv.padding ?? [0, 0];
        var extra = extraPad ?? [0, 0, 0, 0];
        long[] pads = [padding[0] + extra[2], padding[1] + extra[0], padding[0] + extra[3], padding[1] + extra[1]];
        var inputs = new List<string> { x, graph.Weight(path + ".weight", weight, conv.weight!.shape) };
        if (bias.Length > 0) inputs.Add(graph.Weight(path + ".bias", bias, [bias.Length]));
        return graph.Node("Conv", inputs,
            OnnxGraphBuilder.Ints("kernel_shape", conv.kernel_size),
            OnnxGraphBuilder.Ints("strides", conv.stride),
            OnnxGraphBuilder.Ints("dilations", conv.dilation),
            OnnxGraphBuilder.Int("group", conv.groups),
            OnnxGraphBuilder.Ints("pads", pads));
    }

    /// <summary>y = x Wᵀ + b on the last axis of an input of any rank (MatMul with the transposed weight, then Add).</summary>
    public static string Linear(OnnxGraphBuilder graph, string x, Linear linear, string path)
    {
        using var scope = NewDisposeScope();
        var product = graph.Node("MatMul", [x, graph.Weight(path + ".weight_t", linear.weight!.t())]);
        return linear.bias is null ? product : graph.Node("Add", [product, graph.Weight(path + ".bias", linear.bias)]);
    }

    /// <summary>y = x Wᵀ + b on a [N, in] input: one Gemm.</summary>
    public static string Gemm(OnnxGraphBuilder graph, string x, Linear linear, string path)
    {
        var inputs = new List<string> { x, graph.Weight(path + ".weight", linear.weight!) };
        if (linear.bias is not null) inputs.Add(graph.Weight(path + ".bias", linear.bias));
        return graph.Node("Gemm", inputs, OnnxGraphBuilder.Int("transB", 1));
    }

    /// <summary>LayerNormalization over the last axis (opset 17).</summary>
    public static string LayerNorm(OnnxGraphBuilder graph, string x, LayerNorm norm, string path)
    {
        if (norm.normalized_shape.Length != 1) throw new NotSupportedException($"{path}: a layer norm over {norm.normalized_shape.Length} axes");
        using var scope = NewDisposeScope();
        var scale = norm.weight is null ? graph.Weight(path + ".weight", ones(norm.normalized_shape)) : graph.Weight(path + ".weight", norm.weight);
        var bias = norm.bias is null ? graph.Weight(path + ".bias", zeros(norm.normalized_shape)) : graph.Weight(path + ".bias", norm.bias);
        return graph.Node("LayerNormalization", [x, scale, bias], OnnxGraphBuilder.Int("axis", -1), OnnxGraphBuilder.Float("epsilon", (float)norm.eps));
    }

    private static float[] Floats(Tensor tensor) => tensor.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();
}
