using Oml.Zoo;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// Which checkpoints of OML's model zoo this library can build and load (a DINO or DINOv2 ViT, a torchvision or MoCo v2
/// ResNet, the ViT + MLP of <c>vits16_224_mlp_384_inshop</c>, the CLIP and Unicom ViTs), and whether an extractor has a key's architecture.
/// </summary>
public static class PretrainedSupport
{
    /// <summary>Null when <paramref name="entry"/> loads into an extractor of this library; otherwise what is missing, in words.</summary>
    public static string? MissingArchitecture(ZooEntry entry) => entry switch
    {
        { Extractor: "ecapa_tdnn" } => "ECAPA-TDNN is OML's audio extractor; this library works with images",
        { Extractor: "vit" or "extractor_with_mlp" } when !ViTSpec.Archs.ContainsKey(entry.Arch) =>
            $"ViT arch {entry.Arch} is not in this version; the vit extractor builds {string.Join(", ", ViTSpec.Archs.Keys)}",
        { Extractor: "resnet" } when !ResnetSpec.ArchNames.ContainsKey(entry.Arch) => $"ResNet arch {entry.Arch} is not in this version",
        { Extractor: "vit_clip" } when !ClipSpec.Archs.ContainsKey(entry.Arch) => $"CLIP arch {entry.Arch} is not in this version",
        { Extractor: "vit_unicom" } when !UnicomSpec.Archs.ContainsKey(entry.Arch) => $"Unicom arch {entry.Arch} is not in this version",
        { Extractor: "vit" or "resnet" or "extractor_with_mlp" or "vit_clip" or "vit_unicom" } => null,
        _ => $"extractor {entry.Extractor} is not in this version",
    };

    /// <summary>The keys of <paramref name="entries"/> whose architecture is here.</summary>
    public static IEnumerable<string> SupportedKeys(IEnumerable<ZooEntry> entries) =>
        entries.Where(e => MissingArchitecture(e) is null).Select(e => e.Key);

    /// <summary>The message for a key whose checkpoint can be downloaded but not built here.</summary>
    public static string Unsupported(ZooEntry entry, string configPath, IEnumerable<ZooEntry> entries) =>
        $"{configPath} = '{entry.Key}' is a checkpoint of OML's model zoo that can be downloaded ('oml weights fetch {entry.Key}'), " +
        $"but its architecture ({entry.ArchitectureText}) is not supported by this version yet: {MissingArchitecture(entry)}. " +
        $"Keys whose architecture is here: {string.Join(", ", SupportedKeys(entries))}; or give a local file, or weights: null";

    /// <summary>The config block that builds <paramref name="entry"/>'s model, e.g. <c>{name: vit, args: {arch: vits16}}</c>.</summary>
    public static string ExpectedBlock(ZooEntry entry) => entry.Extractor == "extractor_with_mlp"
        ? $"{{name: extractor_with_mlp, args: {{extractor: {{name: vit, args: {{arch: {entry.Arch}}}}}, mlp_features: [{string.Join(", ", entry.MlpFeatures)}]}}}}"
        : $"{{name: {entry.Extractor}, args: {{arch: {entry.Arch}}}}}";

    /// <summary>Null when <paramref name="extractor"/> has <paramref name="entry"/>'s architecture; otherwise what differs.</summary>
    public static string? Mismatch(ZooEntry entry, nn.Module extractor, string configPath)
    {
        var fits = entry.Extractor switch
        {
            "vit" => IsVit(extractor, entry.Arch),
            "resnet" => extractor is ResnetExtractor r && r.Spec.Matches(ResnetSpec.ForArch(ResnetSpec.ParseArch(entry.Arch))),
            "extractor_with_mlp" => extractor is ExtractorWithMlp m && IsVit(m.Backbone, entry.Arch) && m.MlpFeatures.SequenceEqual(entry.MlpFeatures),
            "vit_clip" => extractor is ViTClipExtractor c && c.Spec == ClipSpec.ForArch(entry.Arch),
            "vit_unicom" => extractor is ViTUnicomExtractor u && u.Spec == UnicomSpec.ForArch(entry.Arch),
            _ => false,
        };
        return fits ? null : $"{configPath} = '{entry.Key}' holds the weights of {ExpectedBlock(entry)}; they do not fit {Describe(extractor)}";
    }

    private static bool IsVit(nn.Module extractor, string arch) => extractor is ViTExtractor v && v.Spec == ViTSpec.ForArch(arch);

    private static string Describe(nn.Module extractor) => extractor switch
    {
        ViTExtractor v => $"a ViT with patch {v.Spec.PatchSize}, dim {v.Spec.Dim}, depth {v.Spec.Depth}{(v.Spec.RegisterTokens > 0 ? $", {v.Spec.RegisterTokens} register tokens" : "")}",
        ResnetExtractor r => $"a ResNet with blocks [{string.Join(", ", r.Spec.BlocksPerStage)}]{(r.Spec.ProjectorHead ? " and a projector head" : "")}",
        ViTClipExtractor c => $"a CLIP ViT with patch {c.Spec.PatchSize}, width {c.Spec.Width}, {c.Spec.Layers} layers, {c.Spec.InputResolution} px",
        ViTUnicomExtractor u => $"a Unicom ViT with patch {u.Spec.PatchSize}, dim {u.Spec.Dim}, depth {u.Spec.Depth}, {u.Spec.InputSize} px",
        ExtractorWithMlp m => $"an extractor_with_mlp ({Describe(m.Backbone)}, mlp [{string.Join(", ", m.MlpFeatures)}])",
        _ => extractor.GetType().Name,
    };
}
