using System.Globalization;
using Oml.Models;
using TorchSharp;
using TorchSharp.Modules;

namespace Oml.Onnx;

/// <summary>
/// <see cref="ResnetExtractor"/>'s forward as ONNX nodes, read from its modules (torchvision names): stem Conv (batch
/// norm folded in) → Relu → MaxPool, the residual blocks of every stage, GeM or average pooling, the optional fc head.
/// CNTK padding (resnet18_mlnet) becomes the convolutions' and the max-pool's own asymmetric pads.
/// </summary>
internal static class ResnetOnnxGraph
{
    /// <summary>The unnormalised features [N, FeatDim] of <paramref name="images"/>.</summary>
    public static string Features(OnnxGraphBuilder graph, string images, ResnetExtractor resnet, string prefix)
    {
        var modules = new ModuleLookup(resnet, prefix);
        var cntk = resnet.Spec.Padding == ResnetPadding.Cntk;
        var x = OnnxModules.Conv(graph, images, modules.Get<Conv2d>("conv1"), modules.Path("conv1"), modules.Get<BatchNorm2d>("bn1"),
            ResnetLayers.CntkPadCorrection(resnet.Spec.Padding, 2));
        x = graph.Node("Relu", [x]);
        // CNTK pads the max-pool [1 before, 0 after] with zeros; after the ReLU that equals MaxPool's own padding
        x = graph.Node("MaxPool", [x],
            OnnxGraphBuilder.Ints("kernel_shape", 3, 3), OnnxGraphBuilder.Ints("strides", 2, 2), OnnxGraphBuilder.Ints("pads", cntk ? [1, 1, 0, 0] : [1, 1, 1, 1]));
        for (var stage = 0; stage < resnet.Spec.BlocksPerStage.Count; stage++)
        {
            for (var block = 0; block < resnet.Spec.BlocksPerStage[stage]; block++)
            {
                var path = string.Create(CultureInfo.InvariantCulture, $"layer{stage + 1}.{block}");
                x = resnet.Spec.BlockKind == ResnetBlockKind.Bottleneck
                    ? Bottleneck(graph, x, modules, path, resnet.Spec.Padding)
                    : BasicBlock(graph, x, modules, path, resnet.Spec.Padding);
            }
        }
        x = resnet.GemP is { } p ? GeneralisedMean(graph, x, p) : graph.Node("ReduceMean", [x], OnnxGraphBuilder.Ints("axes", 2, 3), OnnxGraphBuilder.Int("keepdims", 0));
        if (resnet.RemoveFc) return x;
        if (!resnet.Spec.ProjectorHead) return OnnxModules.Gemm(graph, x, modules.Get<Linear>("fc"), modules.Path("fc"));
        x = graph.Node("Relu", [OnnxModules.Gemm(graph, x, modules.Get<Linear>("fc.0"), modules.Path("fc.0"))]);
        return OnnxModules.Gemm(graph, x, modules.Get<Linear>("fc.2"), modules.Path("fc.2"));
    }

    /// <summary>conv1 (3×3, stride) → bn1 → relu → conv2 → bn2, + shortcut, relu.</summary>
    private static string BasicBlock(OnnxGraphBuilder graph, string x, ModuleLookup modules, string path, ResnetPadding padding)
    {
        var conv1 = modules.Get<Conv2d>($"{path}.conv1");
        var y = OnnxModules.Conv(graph, x, conv1, modules.Path($"{path}.conv1"), modules.Get<BatchNorm2d>($"{path}.bn1"),
            ResnetLayers.CntkPadCorrection(padding, (int)conv1.stride[0]));
        y = graph.Node("Relu", [y]);
        y = OnnxModules.Conv(graph, y, modules.Get<Conv2d>($"{path}.conv2"), modules.Path($"{path}.conv2"), modules.Get<BatchNorm2d>($"{path}.bn2"));
        return graph.Node("Relu", [graph.Node("Add", [y, Shortcut(graph, x, modules, path)])]);
    }

    /// <summary>conv1 (1×1) → bn1 → relu → conv2 (3×3, stride) → bn2 → relu → conv3 (1×1) → bn3, + shortcut, relu.</summary>
    private static string Bottleneck(OnnxGraphBuilder graph, string x, ModuleLookup modules, string path, ResnetPadding padding)
    {
        var y = OnnxModules.Conv(graph, x, modules.Get<Conv2d>($"{path}.conv1"), modules.Path($"{path}.conv1"), modules.Get<BatchNorm2d>($"{path}.bn1"));
        y = graph.Node("Relu", [y]);
        var conv2 = modules.Get<Conv2d>($"{path}.conv2");
        y = OnnxModules.Conv(graph, y, conv2, modules.Path($"{path}.conv2"), modules.Get<BatchNorm2d>($"{path}.bn2"),
            ResnetLayers.CntkPadCorrection(padding, (int)conv2.stride[0]));
        y = graph.Node("Relu", [y]);
        y = OnnxModules.Conv(graph, y, modules.Get<Conv2d>($"{path}.conv3"), modules.Path($"{path}.conv3"), modules.Get<BatchNorm2d>($"{path}.bn3"));
        return graph.Node("Relu", [graph.Node("Add", [y, Shortcut(graph, x, modules, path)])]);
    }

    /// <summary>The block's 1×1 projection (downsample.0, with downsample.1 folded in) when it has one, else its input.</summary>
    private static string Shortcut(OnnxGraphBuilder graph, string x, ModuleLookup modules, string path) =>
        modules.Has($"{path}.downsample.0")
            ? OnnxModules.Conv(graph, x, modules.Get<Conv2d>($"{path}.downsample.0"), modules.Path($"{path}.downsample.0"),
                modules.Get<BatchNorm2d>($"{path}.downsample.1"))
            : x;

    /// <summary>OML's GeM as <see cref="PoolingFunctions.GeneralisedMean"/> computes it: clamp at 1e-6, ^p, mean over H, W, ^(1/p).</summary>
    private static string GeneralisedMean(OnnxGraphBuilder graph, string x, double p)
    {
        var clamped = graph.Node("Max", [x, graph.Scalar("gem.epsilon", (float)PoolingFunctions.GemEpsilon)]);
        var powered = graph.Node("Pow", [clamped, graph.Scalar("gem.p", (float)p)]);
        var mean = graph.Node("ReduceMean", [powered], OnnxGraphBuilder.Ints("axes", 2, 3), OnnxGraphBuilder.Int("keepdims", 0));
        return graph.Node("Pow", [mean, graph.Scalar("gem.inverse_p", (float)(1.0 / p))]);
    }
}
