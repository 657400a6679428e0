using System.Security.Cryptography;
using Oml.Models;
using Oml.Pipelines;
using Oml.Pipelines.Events;
using Oml.Registries;
using Oml.Tests.Models;
using Oml.Weights;
using Oml.Zoo;

namespace Oml.Tests.Zoo;

/// <summary>
/// Zoo keys as extractor weights: a key whose architecture is here is downloaded (from a local server, with OML's row
/// except for the checksum of the file made here) and loads as the same file given by path does; the others say what
/// is missing before anything is downloaded.
/// </summary>
public sealed class ZooExtractorTests : TempDirectoryTest, IDisposable
{
    private readonly ZooTestServer _server = new();

    public new void Dispose()
    {
        _server.Dispose();
        base.Dispose();
    }

    [Theory]
    [InlineData("ecapa_tdnn_taoruijie", "ecapa_tdnn", "ecapa_tdnn_taoruijie", "OML's audio extractor")]
    public void AKeyWhoseArchitectureIsNotHereCanBeFetchedButNotBuilt(string key, string name, string arch, string why)
    {
        var block = Block(name, arch, key);
        var problem = Assert.Single(ExtractorBlock.WeightsProblems(block, Zoo()));
        Assert.StartsWith($"extractor.args.weights = '{key}' is a checkpoint of OML's model zoo that can be downloaded ('oml weights fetch {key}'), " +
                          "but its architecture", problem);
        Assert.Contains("is not supported by this version yet: ", problem);
        Assert.Contains(why, problem);
        Assert.Contains("Keys whose architecture is here: vits16_dino, vits8_dino, vitb16_dino, vitb8_dino, vits14_dinov2, vits14_reg_dinov2", problem);
        Assert.DoesNotContain("offline", problem);
        Assert.Empty(_server.Requests);
        Assert.Null(PretrainedSupport.MissingArchitecture(ZooTable.Find("vits16_dino")!));
        Assert.NotNull(PretrainedSupport.MissingArchitecture(ZooTable.Find(key)!));
    }

    [Fact]
    public void TheKeysWhoseArchitectureIsHereAreTheDinoVitsOmlsVitsClipUnicomAndTorchvisionsResnets()
    {
        Assert.Equal(["vits16_dino", "vits8_dino", "vitb16_dino", "vitb8_dino",
                      "vits14_dinov2", "vits14_reg_dinov2", "vitb14_dinov2", "vitb14_reg_dinov2", "vitl14_dinov2", "vitl14_reg_dinov2",
                      "vits16_inshop", "vits16_sop", "vits16_cub", "vits16_cars",
                      "vits16_224_mlp_384_inshop", "openai_vitb16_224", "openai_vitb32_224", "openai_vitl14_224", "sber_vitb16_224",
                      "sber_vitb32_224", "sber_vitl14_224", "vitb32_unicom", "vitb16_unicom", "vitl14_unicom", "vitl14_336px_unicom", "resnet50_moco_v2",
                      "resnet18_imagenet1k_v1", "resnet34_imagenet1k_v1", "resnet50_imagenet1k_v1",
                      "resnet101_imagenet1k_v1", "resnet152_imagenet1k_v1"],
            PretrainedSupport.SupportedKeys(ZooTable.Entries));
    }

    [Fact]
    public void ABlockWithAnotherArchitectureThanTheKeysIsAProblemBeforeAnyDownload()
    {
        var vit = Assert.Single(ExtractorBlock.WeightsProblems(Block("vit", "vits8", "vits16_dino"), Zoo()));
        Assert.Equal("extractor.args.weights = 'vits16_dino' holds the weights of {name: vit, args: {arch: vits16}} " +
                     "(OML builds it with normalise_features: false); the block is {name: vit, args: {arch: vits8}}", vit);

        var mlpBlock = new ConfigBlock("extractor_with_mlp", new Dictionary<string, object?>
        {
            ["extractor"] = new Dictionary<string, object?> { ["name"] = "vit", ["args"] = new Dictionary<string, object?> { ["arch"] = "vits16" } },
            ["mlp_features"] = new List<object?> { 256L },
            ["weights"] = "vits16_224_mlp_384_inshop",
        }, "extractor");
        var mlp = Assert.Single(ExtractorBlock.WeightsProblems(mlpBlock, Zoo()));
        Assert.Contains("holds the weights of {name: extractor_with_mlp, args: {extractor: {name: vit, args: {arch: vits16}}, mlp_features: [384]}}", mlp);
        Assert.Contains("the block is {name: extractor_with_mlp, args: {extractor: {name: vit, args: {arch: vits16}}, mlp_features: [256]}}", mlp);

        ((List<object?>)mlpBlock.Args["mlp_features"]!)[0] = 384L;
        Assert.Empty(ExtractorBlock.WeightsProblems(mlpBlock, Zoo()));
        Assert.Empty(ExtractorBlock.WeightsProblems(Block("resnet", "resnet50", "resnet50_imagenet1k_v1"), Zoo()));

        using var vits8 = new ViTExtractor(ModelFixtures.TinyViT);
        var e = Assert.Throws<OmlException>(() => ExtractorWeights.Load(vits8, "vits16_dino", "extractor.args.weights", Zoo()));
        Assert.Equal("extractor.args.weights = 'vits16_dino' holds the weights of {name: vit, args: {arch: vits16}}; they do not fit a ViT with patch 8, dim 32, depth 2", e.Message);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void ATorchvisionResnetKeyIsDownloadedOnceAndLoadsAsTheFileDoesWithoutItsClassifier()
    {
        // torchvision's resnet18 state dict (fc included), as download.pytorch.org serves it
        using var source = new ResnetExtractor("resnet18", removeFc: false);
        var file = Dir.File("resnet18.pth");
        ModuleWeights.Save(source, file);
        var row = ZooTable.Find("resnet18_imagenet1k_v1")!;
        var entry = row with { Checksum = ZooChecksum.Sha256(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)))[..8]) };
        _server.Files["/models/resnet18-f37072fd.pth"] = File.ReadAllBytes(file);
        var zoo = Zoo(entry);

        using var fromKey = new ResnetExtractor("resnet18");
        var events = new List<PipelineEvent>();
        using (PretrainedWeights.ReportDownloadsTo(new PipelineDownloadObserver(new SyncProgress(events))))
        {
            ExtractorWeights.Load(fromKey, "resnet18_imagenet1k_v1", "extractor.args.weights", zoo);
        }
        using var fromFile = new ResnetExtractor("resnet18");
        ExtractorWeights.Load(fromFile, file, "extractor.args.weights", zoo);

        Assert.Equal("/models/resnet18-f37072fd.pth", Assert.Single(_server.Requests).Path);
        Assert.Single(events.OfType<WeightsDownloadStarted>());
        Assert.Equal(Path.Combine(Dir.File("cache"), "resnet18-f37072fd.pth"), Assert.Single(events.OfType<WeightsDownloadCompleted>()).Path);
        AssertSameWeights(source, fromKey);
        AssertSameWeights(source, fromFile);

        using var again = new ResnetExtractor("resnet18", removeFc: false);
        ExtractorWeights.Load(again, "resnet18_imagenet1k_v1", "extractor.args.weights", zoo);
        Assert.Single(_server.Requests);
        AssertSameWeights(source, again);
    }

    [Fact]
    public void Vits16DinoIsDownloadedAndLoadsAsTheFileDoes()
    {
        using var source = new ViTExtractor("vits16");
        var file = Dir.File("dino_deitsmall16_pretrain.pth");
        ModuleWeights.Save(source, file);
        var bytes = File.ReadAllBytes(file);
        var entry = ZooTable.Find("vits16_dino")! with { Checksum = ZooChecksum.Md5(Convert.ToHexStringLower(MD5.HashData(bytes))[..6]) };
        _server.Files["/dino/dino_deitsmall16_pretrain/dino_deitsmall16_pretrain.pth"] = bytes;

        using var fromKey = new ViTExtractor("vits16");
        ExtractorWeights.Load(fromKey, "vits16_dino", "extractor.args.weights", Zoo(entry));

        AssertSameWeights(source, fromKey);
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(Dir.File("cache"), "vits16_dino.ckpt")));
    }

    [Fact]
    public void AResnetBuiltWithoutItsClassifierLoadsAFileThatHasOneAsOmlDoes()
    {
        using var source = new ResnetExtractor(ModelFixtures.TinyBasic, removeFc: false);
        var file = Dir.File("tiny.pth");
        ModuleWeights.Save(source, file);
        using var trunk = new ResnetExtractor(ModelFixtures.TinyBasic);
        ExtractorWeights.Load(trunk, file, "extractor.args.weights", Zoo());
        AssertSameWeights(source, trunk);

        // strict otherwise: a module with the head still needs every key
        using var vit = new ViTExtractor(ModelFixtures.TinyViT);
        Assert.Throws<OmlException>(() => ExtractorWeights.Load(vit, file, "extractor.args.weights", Zoo()));
    }

    internal static PretrainedWeights Zoo(string cacheFolder, string urlBase, params ZooEntry[] replaced) =>
        new(new ZooSettings { CacheFolder = cacheFolder, UrlBase = urlBase, RetryDelay = TimeSpan.Zero },
            ZooTable.Entries.Select(e => replaced.FirstOrDefault(r => r.Key == e.Key) ?? e));

    private PretrainedWeights Zoo(params ZooEntry[] replaced) => Zoo(Dir.File("cache"), _server.BaseUrl, replaced);

    private static ConfigBlock Block(string name, string arch, string weights) =>
        new(name, new Dictionary<string, object?> { ["arch"] = arch, ["weights"] = weights }, "extractor");

    /// <summary>Every tensor of <paramref name="loaded"/> equals the one of the same name in <paramref name="source"/>.</summary>
    internal static void AssertSameWeights(nn.Module source, nn.Module loaded)
    {
        var expected = source.state_dict();
        var actual = loaded.state_dict();
        Assert.NotEmpty(actual);
        foreach (var (key, tensor) in actual) Assert.True(tensor.equal(expected[key]).all().item<bool>(), key);
    }

    private sealed class SyncProgress(List<PipelineEvent> events) : IProgress<PipelineEvent>
    {
        public void Report(PipelineEvent value) => events.Add(value);
    }
}
