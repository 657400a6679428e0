using Oml.Registries;
using Oml.Zoo;

namespace Oml.Tests.Zoo;

/// <summary>The zoo table against OML's source, and the URL rules (mirror, Google Drive).</summary>
public sealed class ZooTableTests
{
    /// <summary>
    /// Every pretrained key of OML at commit 6be182e2 (github.com/OML-Team/open-metric-learning), read off the
    /// <c>pretrained_models</c> dicts of oml/models/vit_dino/extractor.py, vit_clip/extractor.py, resnet/extractor.py,
    /// meta/projection.py, audio/ecapa_tdnn/extractor.py and vit_unicom/extractor.py, with the "hash" and "fname" each
    /// gives. Keys without them in OML are filled in from where OML's code gets the file: torchvision's
    /// <c>resnet*(weights="IMAGENET1K_V1")</c> (sha256 prefix in torchvision's file name, as torch.hub checks it) and
    /// Unicom's <c>_MODELS</c> / <c>_SHA256</c> (vit_unicom/external/model.py).
    /// </summary>
    private static readonly (string Key, string Checksum, string FileName)[] OmlKeys =
    [
        ("vits16_dino", "md5 cf0f22", "vits16_dino.ckpt"),
        ("vits8_dino", "md5 230cd5", "vits8_dino.ckpt"),
        ("vitb16_dino", "md5 552daf", "vitb16_dino.ckpt"),
        ("vitb8_dino", "md5 556550", "vitb8_dino.ckpt"),
        ("vits14_dinov2", "md5 2e405c", "dinov2_vits14.ckpt"),
        ("vits14_reg_dinov2", "md5 2a50c5", "dinov2_vits14_reg4.ckpt"),
        ("vitb14_dinov2", "md5 8635e7", "dinov2_vitb14.ckpt"),
        ("vitb14_reg_dinov2", "md5 13d13c", "dinov2_vitb14_reg4.ckpt"),
        ("vitl14_dinov2", "md5 19a02c", "dinov2_vitl14.ckpt"),
        ("vitl14_reg_dinov2", "md5 8b6364", "dinov2_vitl14_reg4.ckpt"),
        ("vits16_inshop", "md5 a76b85", "vits16_inshop.ckpt"),
        ("vits16_sop", "md5 21e743", "vits16_sop.ckpt"),
        ("vits16_cub", "md5 e82633", "vits16_cub.ckpt"),
        ("vits16_cars", "md5 9f1e59", "vits16_cars.ckpt"),
        ("openai_vitb16_224", "md5 44c3d804ecac03d9545ac1a3adbca3a6", "openai_vitb16_224.ckpt"),
        ("openai_vitb32_224", "md5 3ba34e387b24dfe590eeb1ae6a8a122b", "openai_vitb32_224.ckpt"),
        ("openai_vitl14_224", "md5 096db1af569b284eb76b3881534822d9", "openai_vitl14_224.ckpt"),
        ("sber_vitb16_224", "md5 7882e07674d78c674e33cb892a68bbfc", "sber_vitb16_224.ckpt"),
        ("sber_vitb32_224", "md5 e2c4dab46a3cfa608bdd762973e90d32", "sber_vitb32_224.ckpt"),
        ("sber_vitl14_224", "md5 9b4a1cd25d15bad4ffd2ba6e34b8a67c", "sber_vitl14_224.ckpt"),
        ("resnet50_moco_v2", "md5 a04e12f8", "moco_v2_800ep_pretrain.pth.tar"),
        ("resnet18_imagenet1k_v1", "sha256 f37072fd", "resnet18-f37072fd.pth"),
        ("resnet34_imagenet1k_v1", "sha256 b627a593", "resnet34-b627a593.pth"),
        ("resnet50_imagenet1k_v1", "sha256 0676ba61", "resnet50-0676ba61.pth"),
        ("resnet101_imagenet1k_v1", "sha256 63fe2227", "resnet101-63fe2227.pth"),
        ("resnet152_imagenet1k_v1", "sha256 394f9c45", "resnet152-394f9c45.pth"),
        ("vits16_224_mlp_384_inshop", "md5 35244966", "vits16_224_mlp_384_inshop.ckpt"),
        ("ecapa_tdnn_taoruijie", "md5 2bbc0ea09a41217eaff16b676ecb63d7", "ecapa_tdnn_taoruijie.pth"),
        ("vitb32_unicom", "sha256 f9d5696a9b58dbbbefee2d31615ca59084f2895a0fdd2ca4c235e0f9b2793f7a", "FP16-ViT-B-32.pt"),
        ("vitb16_unicom", "sha256 c04f324f7c3b4435667236ec6c0eca1cd62f9d64fbfc2d06f8e8e60e6497edef", "FP16-ViT-B-16.pt"),
        ("vitl14_unicom", "sha256 ff3ab62ff782876460099e6e0ee17b73a7c01109de2fffd595f16f4129404bbd", "FP16-ViT-L-14.pt"),
        ("vitl14_336px_unicom", "sha256 3916ab5aed3b522fc90345be8b4457fe5dad60801ad2af5a6871c0c096e8d7ea", "FP16-ViT-L-14-336px.pt"),
    ];

    [Fact]
    public void TheTableHasEveryKeyOfOmlWithItsChecksumAndFileNameAndNothingElse()
    {
        Assert.Equal(OmlKeys.Select(k => k.Key).Order(StringComparer.Ordinal), ZooTable.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, checksum, fileName) in OmlKeys)
        {
            var entry = ZooTable.Find(key)!;
            Assert.Equal((key, checksum, fileName), (key, Text(entry.Checksum), entry.FileName));
        }
        Assert.Equal(ZooTable.Keys.ToHashSet(), ModelZoo.Keys);
    }

    [Fact]
    public void EveryEntryIsWellFormed()
    {
        Assert.Equal(ZooTable.Entries.Count, ZooTable.Entries.Select(e => e.FileName).Distinct().Count());
        foreach (var entry in ZooTable.Entries)
        {
            Assert.NotEmpty(entry.Urls);
            Assert.All(entry.Urls, url => Assert.StartsWith("https://", url));
            Assert.Matches("^[0-9a-f]{6,64}$", entry.Checksum.Prefix);
            Assert.Equal(entry.Arch, entry.InitArgs.GetValueOrDefault("arch") as string ?? entry.Arch);
            Assert.StartsWith("oml/models/", entry.Source);
        }
    }

    [Fact]
    public void TheUrlsAreOmls()
    {
        Assert.Equal(["https://dl.fbaipublicfiles.com/dino/dino_deitsmall16_pretrain/dino_deitsmall16_pretrain.pth"], ZooTable.Find("vits16_dino")!.Urls);
        Assert.Equal(["https://oml.daloroserver.com/download/checkpoints/inshop/vits16_inshop_a76b85.ckpt"], ZooTable.Find("vits16_inshop")!.Urls);
        Assert.Equal("1niX-TC8cj6j369t7iU2baHQSVN3MVJbW", ZooTable.Find("vits16_inshop")!.GoogleDriveId);
        Assert.Equal(["https://download.pytorch.org/models/resnet50-0676ba61.pth"], ZooTable.Find("resnet50_imagenet1k_v1")!.Urls);
        Assert.Equal(["https://huggingface.co/sberbank-ai/ruclip-vit-large-patch14-224/resolve/main/pytorch_model.bin"], ZooTable.Find("sber_vitl14_224")!.Urls);
        Assert.Equal(["https://github.com/deepglint/unicom/releases/download/l14_336px/FP16-ViT-L-14-336px.pt"], ZooTable.Find("vitl14_336px_unicom")!.Urls);
    }

    [Fact]
    public void InitArgsAndTransformsAreOmls()
    {
        Assert.Equal(true, ZooTable.Find("vits16_sop")!.InitArgs["normalise_features"]);
        Assert.Equal(false, ZooTable.Find("vits16_cars")!.InitArgs["normalise_features"]);
        var moco = ZooTable.Find("resnet50_moco_v2")!;
        Assert.Equal(("resnet50_projector", 5.0, true), (moco.Arch, moco.InitArgs["gem_p"], moco.InitArgs["remove_fc"]));
        var mlp = ZooTable.Find("vits16_224_mlp_384_inshop")!;
        Assert.Equal(("extractor_with_mlp", "vits16"), (mlp.Extractor, mlp.Arch));
        Assert.Equal([384], mlp.MlpFeatures);
        Assert.Equal("extractor_with_mlp (vit vits16, mlp [384])", mlp.ArchitectureText);
        Assert.Equal("{name: norm_resize_torch, args: {im_size: 224}}", ZooTable.Find("vitb8_dino")!.Transform);
        Assert.Equal("{name: norm_resize_albu, args: {im_size: 224}}", ZooTable.Find("vits16_cub")!.Transform);

        var transforms = ImageTransformRegistry.CreateDefault();
        foreach (var entry in ZooTable.Entries.Where(e => e.Transform.StartsWith('{')))
        {
            var name = entry.Transform["{name: ".Length..entry.Transform.IndexOf(',', StringComparison.Ordinal)];
            Assert.True(transforms.Contains(name), $"{entry.Key}: {name}");
        }
    }

    [Fact]
    public void AMirrorReplacesSchemeAndHostAndKeepsThePath()
    {
        var dino = ZooTable.Find("vits16_dino")!;
        Assert.Equal(["http://127.0.0.1:8000/dino/dino_deitsmall16_pretrain/dino_deitsmall16_pretrain.pth"], ZooUrls.Candidates(dino, "http://127.0.0.1:8000"));
        Assert.Equal(["https://mirror.example.com/oml/dino/dino_deitsmall16_pretrain/dino_deitsmall16_pretrain.pth"],
            ZooUrls.Candidates(dino, "https://mirror.example.com/oml/"));

        var inshop = ZooTable.Find("vits16_inshop")!;
        Assert.Equal(["https://oml.daloroserver.com/download/checkpoints/inshop/vits16_inshop_a76b85.ckpt",
                      "https://drive.usercontent.google.com/download?id=1niX-TC8cj6j369t7iU2baHQSVN3MVJbW&export=download&confirm=t"],
            ZooUrls.Candidates(inshop, null));
        Assert.Equal(["https://m.example/download/checkpoints/inshop/vits16_inshop_a76b85.ckpt"], ZooUrls.Candidates(inshop, "https://m.example"));
    }

    [Theory]
    [InlineData("mirror.example.com")]
    [InlineData("ftp://mirror.example.com/oml")]
    [InlineData("https://mirror.example.com/oml?x=1")]
    public void ABaseUrlThatIsNotOneIsAnError(string urlBase)
    {
        var e = Assert.Throws<OmlException>(() => ZooUrls.CheckBase(urlBase, ZooSettings.UrlBaseVariable));
        Assert.Equal($"OML_ZOO_URL_BASE = '{urlBase}' is not a base URL: expected http(s)://host[:port][/path], e.g. https://mirror.example.com/oml-zoo", e.Message);
    }

    [Fact]
    public void TheCacheFolderIsOmlsCheckpointFolderUnderOurCache()
    {
        Assert.Equal(Path.Combine(OmlCache.Directory, "torch", "checkpoints"), ZooSettings.DefaultCacheFolder);
    }

    private static string Text(ZooChecksum checksum) => $"{(checksum.Algorithm == ChecksumAlgorithm.Md5 ? "md5" : "sha256")} {checksum.Prefix}";
}
