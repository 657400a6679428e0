namespace Oml.Models;

/// <summary>
/// The checkpoint keys of OML's model zoo (oml-behaviour.md §8). OML downloads them on first use; this library runs
/// offline, so a zoo key is recognised only to say so and to tell the user to give a local file instead.
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

    public static string OfflineMessage(string path, string key) =>
        $"{path} = '{key}' is a key of OML's model zoo, which OML downloads on first use; this machine runs offline, so it cannot be fetched. " +
        "Download the checkpoint where you have internet and set the weights to its local path (.pth, .ckpt, .safetensors), or use weights: null for random initialisation";
}
