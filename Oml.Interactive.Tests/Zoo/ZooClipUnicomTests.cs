using System.Security.Cryptography;
using Oml.Models;
using Oml.Registries;
using Oml.Tests.Models;
using Oml.Zoo;

namespace Oml.Tests.Zoo;

/// <summary>
/// The CLIP and Unicom zoo keys as extractor weights: downloaded from a local server (OML's row, except for the checksum
/// of the file made here) into the cache, and loaded as OML does: a ruCLIP file's visual.* part, Unicom's fp16 state dict.
/// </summary>
public sealed class ZooClipUnicomTests : TempDirectoryTest, IDisposable
{
    private readonly ZooTestServer _server = new();

    public new void Dispose()
    {
        _server.Dispose();
        base.Dispose();
    }

    [Fact]
    public void ARuClipKeyIsDownloadedAndItsImageTowerLoads()
    {
        using var source = new ViTClipExtractor("vitb32_224");
        var file = Dir.File("pytorch_model.bin");
        ClipUnicomFixtures.WriteWholeClip(source, file);
        var bytes = File.ReadAllBytes(file);
        var entry = ZooTable.Find("sber_vitb32_224")! with { Checksum = ZooChecksum.Md5(Convert.ToHexStringLower(MD5.HashData(bytes))) };
        _server.Files["/sberbank-ai/ruclip-vit-base-patch32-224/resolve/main/pytorch_model.bin"] = bytes;

        using var fromKey = new ViTClipExtractor("vitb32_224");
        ExtractorWeights.Load(fromKey, "sber_vitb32_224", "extractor.args.weights", Zoo(entry));

        ClipUnicomFixtures.AssertHalfOf(source, fromKey);
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(Dir.File("cache"), "sber_vitb32_224.ckpt")));
        Assert.Single(_server.Requests);
        Assert.Empty(ExtractorBlock.WeightsProblems(Block("vit_clip", "vitb32_224", "sber_vitb32_224"), Zoo(entry)));
    }

    [Fact]
    public void AUnicomKeyIsDownloadedUnderUnicomsFileNameAndLoads()
    {
        using var source = new ViTUnicomExtractor("vitb32_unicom");
        var file = Dir.File("unicom.pt");
        ClipUnicomFixtures.WriteUnicomHalf(source, file);
        var bytes = File.ReadAllBytes(file);
        var entry = ZooTable.Find("vitb32_unicom")! with { Checksum = ZooChecksum.Sha256(Convert.ToHexStringLower(SHA256.HashData(bytes))) };
        _server.Files["/deepglint/unicom/releases/download/b32/FP16-ViT-B-32.pt"] = bytes;

        using var fromKey = new ViTUnicomExtractor("vitb32_unicom", FeatureNormalisation.L2);
        ExtractorWeights.Load(fromKey, "vitb32_unicom", "extractor.args.weights", Zoo(entry));

        ClipUnicomFixtures.AssertHalfOf(source, fromKey);
        Assert.True(File.Exists(Path.Combine(Dir.File("cache"), "FP16-ViT-B-32.pt")));
    }

    [Fact]
    public void AnotherArchThanTheKeysIsAProblemBeforeAnyDownload()
    {
        var problem = Assert.Single(ExtractorBlock.WeightsProblems(Block("vit_unicom", "vitb16_unicom", "vitb32_unicom"), Zoo()));
        Assert.Equal("extractor.args.weights = 'vitb32_unicom' holds the weights of {name: vit_unicom, args: {arch: vitb32_unicom}} " +
                     "(OML builds it with normalise_features: true); the block is {name: vit_unicom, args: {arch: vitb16_unicom}}", problem);

        using var clip = new ViTClipExtractor(ClipUnicomFixtures.TinyClip);
        var e = Assert.Throws<OmlException>(() => ExtractorWeights.Load(clip, "openai_vitl14_224", "extractor.args.weights", Zoo()));
        Assert.Equal("extractor.args.weights = 'openai_vitl14_224' holds the weights of {name: vit_clip, args: {arch: vitl14_224}}; " +
                     "they do not fit a CLIP ViT with patch 8, width 32, 2 layers, 32 px", e.Message);
        Assert.Empty(_server.Requests);
    }

    private PretrainedWeights Zoo(params ZooEntry[] replaced) => ZooExtractorTests.Zoo(Dir.File("cache"), _server.BaseUrl, replaced);

    private static ConfigBlock Block(string name, string arch, string weights) =>
        new(name, new Dictionary<string, object?> { ["arch"] = arch, ["weights"] = weights }, "extractor");
}
