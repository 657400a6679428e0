using System.Globalization;
using Oml.Models;
using TorchSharp.Modules;

namespace Oml.Onnx;

/// <summary>
/// The ONNX nodes of an extractor's whole forward: the network (<see cref="ResnetExtractor"/>, <see cref="ViTExtractor"/>,
/// <see cref="ViTClipExtractor"/>, <see cref="ViTUnicomExtractor"/>, or an <see cref="ExtractorWithMlp"/> over one), then the extractor's <see cref="FeatureNormalisation"/>.
/// </summary>
internal static class ExtractorOnnxGraph
{
    /// <summary>What the export supports, for messages.</summary>
    public const string Supported = "resnet (ResnetExtractor, any arch or ResnetSpec), vit (ViTExtractor, any arch or ViTSpec), vit_clip (ViTClipExtractor), " +
                                    "vit_unicom (ViTUnicomExtractor) and extractor_with_mlp (ExtractorWithMlp) over any of them";

    /// <summary>The features [N, FeatDim] of <paramref name="images"/> [N, 3, height, width], normalised as the extractor does.</summary>
    public static string Features(OnnxGraphBuilder graph, string images, Extractor extractor, int height, int width, string prefix = "")
    {
        var features = extractor switch
        {
            ResnetExtractor resnet => ResnetOnnxGraph.Features(graph, images, resnet, prefix),
            ViTExtractor vit => ViTOnnxGraph.Features(graph, images, vit, prefix, height, width),
            ViTClipExtractor clip => ClipOnnxGraph.Features(graph, images, clip, prefix),
            ViTUnicomExtractor unicom => UnicomOnnxGraph.Features(graph, images, unicom, prefix),
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
            case ResnetExtractor or ViTExtractor or ViTClipExtractor or ViTUnicomExtractor:
                return;
            case ExtractorWithMlp withMlp:
                EnsureSupported(withMlp.Backbone);
                return;
            default:
                throw Unsupported(extractor);
        }
    }

    /// <summary>Protobuf's limit for one message, which an ONNX file without external data is.</summary>
    public const long MaxWeightBytes = int.MaxValue;

    /// <summary>
    /// Throws when <paramref name="extractor"/>'s weights in float32 exceed <paramref name="maxBytes"/> (default
    /// <see cref="MaxWeightBytes"/>): e.g. Unicom's ViT-L/14, whose feature head alone is 268 M weights (604 M at 336 px).
    /// </summary>
    public static void EnsureFitsOneFile(Extractor extractor, long maxBytes = MaxWeightBytes)
    {
        var bytes = extractor.state_dict().Values.Where(t => t.is_floating_point()).Sum(t => t.numel()) * 4;
        if (bytes <= maxBytes) return;
        throw new OmlException(string.Create(CultureInfo.InvariantCulture,
            $"{Describe(extractor)} cannot be exported to ONNX: its weights take {bytes / 1e9:F2} GB in float32") +
            ", and an ONNX file over 2 GB needs them as external data, which this export does not write");
    }

    /// <summary>
    /// Throws unless <paramref name="size"/> fits <paramref name="extractor"/>: a CLIP's positional embedding and a Unicom
    /// ViT's head fix the image size, so their ONNX input has that size only.
    /// </summary>
    public static void EnsureInputSize(Extractor extractor, int size)
    {
        var (name, fixedSize) = extractor switch
        {
            ViTClipExtractor clip => ("vit_clip", clip.Spec.InputResolution),
            ViTUnicomExtractor unicom => ("vit_unicom", unicom.Spec.InputSize),
            _ => ("", size),
        };
        if (extractor is ExtractorWithMlp withMlp) EnsureInputSize(withMlp.Backbone, size);
        if (fixedSize == size) return;
        throw new OmlException(string.Create(CultureInfo.InvariantCulture,
            $"{name} takes {fixedSize}x{fixedSize} images only, so its ONNX input is {fixedSize} px, not {size}; choose an input size of {fixedSize} (or a transform that makes {fixedSize}x{fixedSize} images)"));
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
        ViTClipExtractor c => c.Arch is { } clipArch ? $"vit_clip {clipArch}"
            : string.Create(CultureInfo.InvariantCulture, $"vit_clip (patch {c.Spec.PatchSize}, width {c.Spec.Width}, {c.Spec.Layers} layers, {c.Spec.Heads} heads, {c.Spec.InputResolution} px)"),
        ViTUnicomExtractor u => u.Arch is { } unicomArch ? $"vit_unicom {unicomArch}"
            : string.Create(CultureInfo.InvariantCulture, $"vit_unicom (patch {u.Spec.PatchSize}, dim {u.Spec.Dim}, depth {u.Spec.Depth}, {u.Spec.Heads} heads, {u.Spec.InputSize} px)"),
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
