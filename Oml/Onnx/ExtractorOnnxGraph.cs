using System.Globalization;
using Oml.Models;
using TorchSharp.Modules;

namespace Oml.Onnx;

/// <summary>
/// The ONNX nodes of an extractor's whole forward: the network (<see cref="ResnetExtractor"/>, <see cref="ViTExtractor"/>,
/// or an <see cref="ExtractorWithMlp"/> over either), then the extractor's <see cref="FeatureNormalisation"/>.
/// </summary>
internal static class ExtractorOnnxGraph
{
    /// <summary>What the export supports, for messages.</summary>
    public const string Supported = "resnet (ResnetExtractor, any arch or ResnetSpec), vit (ViTExtractor, any arch or ViTSpec) and extractor_with_mlp (ExtractorWithMlp) over either";

    /// <summary>The features [N, FeatDim] of <paramref name="images"/> [N, 3, height, width], normalised as the extractor does.</summary>
    public static string Features(OnnxGraphBuilder graph, string images, Extractor extractor, int height, int width, string prefix = "")
    {
        var features = extractor switch
        {
            ResnetExtractor resnet => ResnetOnnxGraph.Features(graph, images, resnet, prefix),
            ViTExtractor vit => ViTOnnxGraph.Features(graph, images, vit, prefix, height, width),
            ExtractorWithMlp withMlp => Projection(graph, Features(graph, images, withMlp.Backbone, height, width, prefix + "extractor."), withMlp, prefix),
            _ => throw Unsupported(extractor),
        };
        return Normalise(graph, features, extractor.Normalisation);
    }

    /// <summary>Throws unless every network inside <paramref name="extractor"/> can be exported.</summary>
    public static void EnsureSupported(Extractor extractor)
    {
        switch (extractor)
        {
            case ResnetExtractor or ViTExtractor:
                return;
            case ExtractorWithMlp withMlp:
                EnsureSupported(withMlp.Backbone);
                return;
            default:
                throw Unsupported(extractor);
        }
    }

    /// <summary>A short name of the network: a config arch (resnet18, vits16) when the layout is one, else its shape.</summary>
    public static string Describe(Extractor extractor) => extractor switch
    {
        ResnetExtractor r => ResnetSpec.ArchNames.FirstOrDefault(a => ResnetSpec.ForArch(a.Value).Matches(r.Spec)).Key is { } arch
            ? arch + Pooling(r)
            : string.Create(CultureInfo.InvariantCulture,
                $"resnet ({r.Spec.BlockKind} blocks [{string.Join(", ", r.Spec.BlocksPerStage)}], widths [{string.Join(", ", r.Spec.StageWidths)}], {r.Spec.Padding} padding){Pooling(r)}"),
        ViTExtractor v => (ViTSpec.Archs.FirstOrDefault(a => a.Value == v.Spec).Key
                           ?? string.Create(CultureInfo.InvariantCulture, $"vit ({(v.Spec.Family == ViTFamily.Dinov2 ? $"DINOv2, {v.Spec.RegisterTokens} register tokens, " : "")}patch {v.Spec.PatchSize}, dim {v.Spec.Dim}, depth {v.Spec.Depth}, heads {v.Spec.Heads}, grid of {v.Spec.ImageSize} px)"))
                          + (v.UseMultiScale ? ", multi-scale" : ""),
        ExtractorWithMlp m => $"extractor_with_mlp ({Describe(m.Backbone)}; mlp [{string.Join(", ", m.MlpFeatures)}])",
        _ => extractor.GetType().Name,
    };

    private static string Pooling(ResnetExtractor resnet) =>
        (resnet.GemP is { } p ? string.Create(CultureInfo.InvariantCulture, $", GeM p = {p}") : ", average pooling") + (resnet.RemoveFc ? "" : ", fc head");

    /// <summary>torchvision's ops.MLP: Linear → ReLU per hidden layer, Linear last; Dropout is the identity in inference.</summary>
    private static string Projection(OnnxGraphBuilder graph, string x, ExtractorWithMlp withMlp, string prefix)
    {
        foreach (var (name, module) in withMlp.Projection.named_children())
        {
            x = module switch
            {
                Linear linear => OnnxModules.Gemm(graph, x, linear, $"{prefix}projection.{name}"),
                ReLU => graph.Node("Relu", [x]),
                Dropout => x,
                _ => throw new InvalidOperationException($"projection.{name} is a {module.GetType().Name}; the ONNX export knows Linear, ReLU and Dropout"),
            };
        }
        return x;
    }

    /// <summary>x / max(‖x‖₂, 1e-12) per row, as <see cref="FeatureNormalisationFunctions.Apply"/> (a detached norm is the same forward).</summary>
    private static string Normalise(OnnxGraphBuilder graph, string features, FeatureNormalisation normalisation)
    {
        if (normalisation == FeatureNormalisation.None) return features;
        var norm = graph.Node("ReduceL2", [features], OnnxGraphBuilder.Ints("axes", 1), OnnxGraphBuilder.Int("keepdims", 1));
        var clamped = graph.Node("Max", [norm, graph.Scalar("normalise.epsilon", (float)FeatureNormalisationFunctions.NormEpsilon)]);
        return graph.Node("Div", [features, clamped]);
    }

    private static OmlException Unsupported(Extractor extractor) =>
        new($"{extractor.GetType().Name} cannot be exported to ONNX: the export knows {Supported}; a custom extractor needs its own export " +
            "(e.g. torch.onnx.export of the same network in Python)");
}
