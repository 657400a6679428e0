namespace Oml.Zoo;

/// <summary>
/// The checkpoint keys of OML's model zoo (<c>oml/models/*/extractor.py</c>'s <c>pretrained_models</c>). OML downloads
/// them on first use; this library runs offline, so those keys are recognised only to say so. The keys in
/// <see cref="OfflineKeys"/> come from a NuGet package instead and work offline.
/// </summary>
public static class ModelZoo
{
    public static readonly IReadOnlySet<string> Keys = new HashSet<string>(StringComparer.Ordinal)
    {
        "resnet50_moco_v2", "resnet18_imagenet1k_v1", "resnet34_imagenet1k_v1", "resnet50_imagenet1k_v1",
        "resnet101_imagenet1k_v1", "resnet152_imagenet1k_v1",
        "vits16_dino", "vits8_dino", "vitb16_dino", "vitb8_dino",
        "vits14_dinov2", "vits14_reg_dinov2", "vitb14_dinov2", "vitb14_reg_dinov2", "vitl14_dinov2", "vitl14_reg_dinov2",
        "vits16_inshop", "vits16_sop", "vits16_cub", "vits16_cars", "vits16_224_mlp_384_inshop",
        "openai_vitb16_224", "openai_vitb32_224", "openai_vitl14_224", "sber_vitb16_224", "sber_vitb32_224", "sber_vitl14_224",
        "vitb32_unicom", "vitb16_unicom", "vitl14_unicom", "vitl14_336px_unicom",
    };

    /// <summary>The pretrained keys that work offline (from NuGet packages): <see cref="MlNetResnet18.ZooKey"/>.</summary>
    public static readonly IReadOnlySet<string> OfflineKeys = new HashSet<string>(StringComparer.Ordinal) { MlNetResnet18.ZooKey };

    public static string OfflineMessage(string path, string key) =>
        $"{path} = '{key}' is a key of OML's model zoo, which OML downloads on first use; this machine runs offline, so it cannot be fetched. " +
        "Download the checkpoint where you have internet and set the weights to its local path (.pth, .ckpt, .safetensors), " +
        $"use '{MlNetResnet18.ZooKey}' (an ImageNet ResNet-18 that comes with a NuGet package; extractor.args.arch: {MlNetResnet18.Arch}), " +
        "or weights: null for random initialisation";

    /// <summary>
    /// What is wrong with an extractor block that names an offline key: the package missing, or an architecture the
    /// weights do not fit (<paramref name="name"/> and <paramref name="args"/> are the block's, <paramref name="path"/> its config path).
    /// </summary>
    public static IEnumerable<string> OfflineKeyProblems(string key, string name, IReadOnlyDictionary<string, object?> args, string path)
    {
        if (key != MlNetResnet18.ZooKey) yield break;
        var arch = args.GetValueOrDefault("arch") as string;
        var removeFc = args.GetValueOrDefault("remove_fc");
        if (name != "resnet" || arch != MlNetResnet18.Arch || removeFc is false or "false" or "False")
        {
            yield return $"{path}.args.weights = '{key}' is the ML.NET ResNet-18 (BasicBlocks [2, 2, 2, 3], no classifier): it needs " +
                         $"{{name: resnet, args: {{arch: {MlNetResnet18.Arch}, remove_fc: true}}}}, got name: {name}, arch: {arch ?? "null"}" +
                         (removeFc is null ? "" : $", remove_fc: {removeFc}");
        }
        if (MlNetResnet18.MissingReason() is { } missing) yield return $"{path}.args.weights: {missing}";
    }
}
