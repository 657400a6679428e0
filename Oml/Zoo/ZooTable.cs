namespace Oml.Zoo;

/// <summary>
/// Every pretrained key of OML's model zoo, as OML's source defines it (the <c>pretrained_models</c> tables of
/// <c>oml/models/vit_dino</c>, <c>vit_clip</c>, <c>vit_unicom</c>, <c>resnet</c>, <c>meta/projection.py</c> and
/// <c>audio/ecapa_tdnn</c>, the transforms of <c>oml/registry/transforms.py</c>), at OML commit 6be182e2. The torchvision
/// ResNets are the files <c>torchvision.models.resnet*(weights="IMAGENET1K_V1")</c> downloads, checked as torch.hub checks
/// them (sha256 prefix from the file name); the Unicom ViTs are the files Unicom's own loader fetches and checks.
/// Which of these this library can build is decided elsewhere (<c>Oml.Models.PretrainedSupport</c>).
/// </summary>
public static class ZooTable
{
    private const string MetaAi = "https://dl.fbaipublicfiles.com";
    private const string OmlStorage = "https://oml.daloroserver.com/download/checkpoints";
    private const string Torchvision = "https://download.pytorch.org/models";
    private const string OpenAi = "https://openaipublic.azureedge.net/clip/models";
    private const string Sber = "https://huggingface.co/sberbank-ai";
    private const string Unicom = "https://github.com/deepglint/unicom/releases/download";

    private const string VitDino = "oml/models/vit_dino/extractor.py";
    private const string VitClip = "oml/models/vit_clip/extractor.py";
    private const string VitUnicom = "oml/models/vit_unicom/extractor.py + external/model.py";
    private const string Resnet = "oml/models/resnet/extractor.py";
    private const string Projection = "oml/models/meta/projection.py";
    private const string Ecapa = "oml/models/audio/ecapa_tdnn/extractor.py";

    private const string ResizeTorch224 = "{name: norm_resize_torch, args: {im_size: 224}}";
    private const string Hypvit224 = "{name: norm_resize_hypvit_torch, args: {im_size: 224, crop_size: 224}}";
    private const string Hypvit256Crop224 = "{name: norm_resize_hypvit_torch, args: {im_size: 256, crop_size: 224}}";
    private const string Albu224 = "{name: norm_resize_albu, args: {im_size: 224}}";
    private const string Clip224 = "{name: norm_resize_albu_clip, args: {im_size: 224}}";
    private const string NoImageTransform = "none (audio)";

    public static IReadOnlyList<ZooEntry> Entries { get; } =
    [
        // DINO, pretrained on ImageNet by Meta AI
        Vit("vits16_dino", "vits16", false, $"{MetaAi}/dino/dino_deitsmall16_pretrain/dino_deitsmall16_pretrain.pth", null, "cf0f22", "vits16_dino.ckpt", ResizeTorch224),
        Vit("vits8_dino", "vits8", false, $"{MetaAi}/dino/dino_deitsmall8_pretrain/dino_deitsmall8_pretrain.pth", null, "230cd5", "vits8_dino.ckpt", ResizeTorch224),
        Vit("vitb16_dino", "vitb16", false, $"{MetaAi}/dino/dino_vitbase16_pretrain/dino_vitbase16_pretrain.pth", null, "552daf", "vitb16_dino.ckpt", ResizeTorch224),
        Vit("vitb8_dino", "vitb8", false, $"{MetaAi}/dino/dino_vitbase8_pretrain/dino_vitbase8_pretrain.pth", null, "556550", "vitb8_dino.ckpt", ResizeTorch224),
        // DINOv2, Meta AI
        Vit("vits14_dinov2", "vits14", false, $"{MetaAi}/dinov2/dinov2_vits14/dinov2_vits14_pretrain.pth", null, "2e405c", "dinov2_vits14.ckpt", Hypvit224),
        Vit("vits14_reg_dinov2", "vits14_reg", false, $"{MetaAi}/dinov2/dinov2_vits14/dinov2_vits14_reg4_pretrain.pth", null, "2a50c5", "dinov2_vits14_reg4.ckpt", Hypvit224),
        Vit("vitb14_dinov2", "vitb14", false, $"{MetaAi}/dinov2/dinov2_vitb14/dinov2_vitb14_pretrain.pth", null, "8635e7", "dinov2_vitb14.ckpt", Hypvit224),
        Vit("vitb14_reg_dinov2", "vitb14_reg", false, $"{MetaAi}/dinov2/dinov2_vitb14/dinov2_vitb14_reg4_pretrain.pth", null, "13d13c", "dinov2_vitb14_reg4.ckpt", Hypvit224),
        Vit("vitl14_dinov2", "vitl14", false, $"{MetaAi}/dinov2/dinov2_vitl14/dinov2_vitl14_pretrain.pth", null, "19a02c", "dinov2_vitl14.ckpt", Hypvit224),
        Vit("vitl14_reg_dinov2", "vitl14_reg", false, $"{MetaAi}/dinov2/dinov2_vitl14/dinov2_vitl14_reg4_pretrain.pth", null, "8b6364", "dinov2_vitl14_reg4.ckpt", Hypvit224),
        // OML's own, fine-tuned from vits16_dino
        Vit("vits16_inshop", "vits16", false, $"{OmlStorage}/inshop/vits16_inshop_a76b85.ckpt", "1niX-TC8cj6j369t7iU2baHQSVN3MVJbW", "a76b85", "vits16_inshop.ckpt", Hypvit224),
        Vit("vits16_sop", "vits16", true, $"{OmlStorage}/sop/vits16_sop_21e743.ckpt", "1zuGRHvF2KHd59aw7i7367OH_tQNOGz7A", "21e743", "vits16_sop.ckpt", Hypvit224),
        Vit("vits16_cub", "vits16", false, $"{OmlStorage}/cub/vits16_cub.ckpt", "1p2tUosFpGXh5sCCdzlXtjV87kCDfG34G", "e82633", "vits16_cub.ckpt", Albu224),
        Vit("vits16_cars", "vits16", false, $"{OmlStorage}/cars/vits16_cars.ckpt", "1hcOxDRRXrKr6ZTCyBauaY8Ue-pok4Icg", "9f1e59", "vits16_cars.ckpt", Albu224),
        new("vits16_224_mlp_384_inshop", "extractor_with_mlp", "vits16",
            Args(("extractor", "{name: vit, args: {arch: vits16, normalise_features: false, use_multi_scale: false}}"), ("mlp_features", new[] { 384 }),
                ("train_backbone", true)),
            [$"{OmlStorage}/inshop/vits16_224_mlp_384_inshop.ckpt"], null, ZooChecksum.Md5("35244966"), "vits16_224_mlp_384_inshop.ckpt",
            CheckpointLayout.StateDict, Hypvit256Crop224, Projection),
        // CLIP: OpenAI (TorchScript archives) and Sber's ruCLIP (state dicts)
        Clip("openai_vitb16_224", "vitb16_224", $"{OpenAi}/5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f/ViT-B-16.pt", "44c3d804ecac03d9545ac1a3adbca3a6", CheckpointLayout.ClipTorchScript),
        Clip("openai_vitb32_224", "vitb32_224", $"{OpenAi}/40d365715913c9da98579312b702a82c18be219cc2a73407c4526f58eba950af/ViT-B-32.pt", "3ba34e387b24dfe590eeb1ae6a8a122b", CheckpointLayout.ClipTorchScript),
        Clip("openai_vitl14_224", "vitl14_224", $"{OpenAi}/b8cca3fd41ae0c99ba7e8951adf17d267cdb84cd88be6f7c2e0eca1737a03836/ViT-L-14.pt", "096db1af569b284eb76b3881534822d9", CheckpointLayout.ClipTorchScript),
        Clip("sber_vitb16_224", "vitb16_224", $"{Sber}/ruclip-vit-base-patch16-224/resolve/main/pytorch_model.bin", "7882e07674d78c674e33cb892a68bbfc", CheckpointLayout.ClipStateDict),
        Clip("sber_vitb32_224", "vitb32_224", $"{Sber}/ruclip-vit-base-patch32-224/resolve/main/pytorch_model.bin", "e2c4dab46a3cfa608bdd762973e90d32", CheckpointLayout.ClipStateDict),
        Clip("sber_vitl14_224", "vitl14_224", $"{Sber}/ruclip-vit-large-patch14-224/resolve/main/pytorch_model.bin", "9b4a1cd25d15bad4ffd2ba6e34b8a67c", CheckpointLayout.ClipStateDict),
        // Unicom (DeepGlint): Unicom's loader checks the full sha256 and keeps Unicom's file names
        UnicomVit("vitb32_unicom", "b32/FP16-ViT-B-32.pt", "f9d5696a9b58dbbbefee2d31615ca59084f2895a0fdd2ca4c235e0f9b2793f7a", 224),
        UnicomVit("vitb16_unicom", "b16/FP16-ViT-B-16.pt", "c04f324f7c3b4435667236ec6c0eca1cd62f9d64fbfc2d06f8e8e60e6497edef", 224),
        UnicomVit("vitl14_unicom", "l14/FP16-ViT-L-14.pt", "ff3ab62ff782876460099e6e0ee17b73a7c01109de2fffd595f16f4129404bbd", 224),
        UnicomVit("vitl14_336px_unicom", "l14_336px/FP16-ViT-L-14-336px.pt", "3916ab5aed3b522fc90345be8b4457fe5dad60801ad2af5a6871c0c096e8d7ea", 336),
        // ResNets: MoCo v2 (Meta AI) and torchvision's ImageNet weights
        new("resnet50_moco_v2", "resnet", "resnet50_projector", ResnetArgs("resnet50_projector", 5.0),
            [$"{MetaAi}/moco/moco_checkpoints/moco_v2_800ep/moco_v2_800ep_pretrain.pth.tar"], null, ZooChecksum.Md5("a04e12f8"),
            "moco_v2_800ep_pretrain.pth.tar", CheckpointLayout.MocoTrainingCheckpoint, Hypvit256Crop224, Resnet),
        TorchvisionResnet("resnet18", "f37072fd"),
        TorchvisionResnet("resnet34", "b627a593"),
        TorchvisionResnet("resnet50", "0676ba61"),
        TorchvisionResnet("resnet101", "63fe2227"),
        TorchvisionResnet("resnet152", "394f9c45"),
        // audio
        new("ecapa_tdnn_taoruijie", "ecapa_tdnn", "ecapa_tdnn_taoruijie", Args(("arch", "ecapa_tdnn_taoruijie"), ("normalise_features", false)),
            ["https://github.com/TaoRuijie/ECAPA-TDNN/raw/refs/heads/main/exps/pretrain.model"], null, ZooChecksum.Md5("2bbc0ea09a41217eaff16b676ecb63d7"),
            "ecapa_tdnn_taoruijie.pth", CheckpointLayout.StateDict, NoImageTransform, Ecapa),
    ];

    private static readonly Dictionary<string, ZooEntry> ByKey = Entries.ToDictionary(e => e.Key, StringComparer.Ordinal);

    public static IEnumerable<string> Keys => Entries.Select(e => e.Key);

    /// <summary>The entry of <paramref name="key"/>, or null when it is not a zoo key.</summary>
    public static ZooEntry? Find(string? key) => key is not null && ByKey.TryGetValue(key, out var entry) ? entry : null;

    private static ZooEntry Vit(string key, string arch, bool normalise, string url, string? driveId, string md5, string fileName, string transform) =>
        new(key, "vit", arch, Args(("arch", arch), ("normalise_features", normalise)), [url], driveId, ZooChecksum.Md5(md5), fileName,
            CheckpointLayout.StateDict, transform, VitDino);

    private static ZooEntry Clip(string key, string arch, string url, string md5, CheckpointLayout layout) =>
        new(key, "vit_clip", arch, Args(("arch", arch), ("normalise_features", false)), [url], null, ZooChecksum.Md5(md5), $"{key}.ckpt",
            layout, Clip224, VitClip);

    private static ZooEntry UnicomVit(string key, string releasePath, string sha256, int imageSize) =>
        new(key, "vit_unicom", key, Args(("arch", key), ("normalise_features", true)), [$"{Unicom}/{releasePath}"], null,
            ZooChecksum.Sha256(sha256), Path.GetFileName(releasePath), CheckpointLayout.UnicomStateDict,
            $"{{name: unicom_transforms, args: {{im_size: {imageSize}}}}}", VitUnicom);

    private static ZooEntry TorchvisionResnet(string arch, string sha256Prefix) =>
        new($"{arch}_imagenet1k_v1", "resnet", arch, ResnetArgs(arch, null), [$"{Torchvision}/{arch}-{sha256Prefix}.pth"], null,
            ZooChecksum.Sha256(sha256Prefix), $"{arch}-{sha256Prefix}.pth", CheckpointLayout.StateDict, Hypvit256Crop224, Resnet);

    private static IReadOnlyDictionary<string, object?> ResnetArgs(string arch, double? gemP) =>
        Args(("arch", arch), ("remove_fc", true), ("normalise_features", false), ("gem_p", gemP));

    private static IReadOnlyDictionary<string, object?> Args(params (string Name, object? Value)[] args) =>
        args.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal);
}
