using System.Security.Cryptography;
using Oml.Models;
using Oml.Optimization;
using Oml.Registries;
using Oml.Tests.Zoo;
using Oml.Weights;
using Oml.Zoo;
using TorchSharp.PyBridge;

namespace Oml.Tests.Models;

/// <summary>
/// The DINOv2 ViTs (vits14, vitb14, vitl14 and their _reg variants) against PyTorch
/// (Fixtures/models/make_dinov2_fixtures.py): tiny random-weight models load with strict key matching and give the
/// same outputs at the native grid, resized grids (scale-factor bicubic without registers, antialiased target-size
/// bicubic with them) and multi-scale; full-size archs have exactly the keys and shapes of OML's DINOv2 models.
/// </summary>
public sealed class DinoV2FixtureTests(ITestOutputHelper output) : TempDirectoryTest
{
    private const double Tolerance = 1e-5;

    /// <summary>The tiny DINOv2 of the fixtures: patch 7, dim 24, depth 2, heads 2, 49 px (a 7×7 grid).</summary>
    internal static readonly ViTSpec Tiny = ViTSpec.Dinov2(24, 2, 2, patchSize: 7, imageSize: 49);

    /// <summary>The same with 4 register tokens, interpolate_offset 0 and antialiasing, as OML's _reg archs.</summary>
    internal static readonly ViTSpec TinyWithRegisters = Tiny.WithRegisters(4);

    public static TheoryData<string, int, int> Cases()
    {
        var cases = new TheoryData<string, int, int>();
        foreach (var model in new[] { "dinov2_tiny", "dinov2_reg_tiny" })
        {
            cases.Add(model, 49, 49);
            cases.Add(model + "_56x42", 56, 42);
            cases.Add(model + "_28x28", 28, 28);
            cases.Add(model + "_multiscale", 70, 70);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LoadsPyTorchStateDictStrictlyAndMatchesItsOutput(string caseName, int height, int width)
    {
        using var scope = NewDisposeScope();
        var registers = caseName.StartsWith("dinov2_reg", StringComparison.Ordinal);
        using var model = new ViTExtractor(registers ? TinyWithRegisters : Tiny, useMultiScale: caseName.EndsWith("_multiscale", StringComparison.Ordinal));
        var loaded = new Dictionary<string, bool>();
        model.load_py(ModelFixtures.File((registers ? "dinov2_reg_tiny" : "dinov2_tiny") + ".pth"), strict: true, loadedParameters: loaded);
        Assert.Equal(model.state_dict().Count, loaded.Count);
        Assert.All(loaded, kv => Assert.True(kv.Value, kv.Key));
        var (difference, largest) = ModelFixtures.AssertMatchesPyTorch(model, caseName, height, width, Tolerance);
        output.WriteLine($"{caseName}: max abs difference {difference:G3} (largest feature {largest:G3})");
    }

    [Theory]
    [InlineData("vits14")]
    [InlineData("vitb14")]
    [InlineData("vitl14")]
    [InlineData("vits14_reg")]
    [InlineData("vitb14_reg")]
    [InlineData("vitl14_reg")]
    public void FullSizeArchHasTheKeysAndShapesOfOmlsDinov2(string arch)
    {
        using var model = new ViTExtractor(arch);
        Assert.Equal(ModelFixtures.Manifest(arch), ModelFixtures.KeysAndShapes(model));
        Assert.Equal(arch.StartsWith("vitl", StringComparison.Ordinal) ? 1024 : arch.StartsWith("vitb", StringComparison.Ordinal) ? 768 : 384, model.FeatDim);
    }

    [Fact]
    public void TheRegistryBuildsARegisterArchWithAPlainStateDictAndNormalisedMultiScaleFeatures()
    {
        using var scope = NewDisposeScope();
        using var source = new ViTExtractor("vits14_reg");
        var file = Dir.File("dinov2_vits14_reg4_pretrain.pth");
        ModuleWeights.Save(source, file);
        using var built = Registry.Extractors.Create("vit",
            Args($"arch: vits14_reg\nnormalise_features: true\nuse_multi_scale: true\nweights: {file}"));
        var vit = Assert.IsType<ViTExtractor>(built);
        Assert.Equal(ViTSpec.ForArch("vits14_reg"), vit.Spec);
        Assert.Equal(4, vit.Spec.RegisterTokens);
        Assert.True(vit.UseMultiScale);
        Assert.Equal(FeatureNormalisation.L2, vit.Normalisation);
        ZooExtractorTests.AssertSameWeights(source, vit);
    }

    [Fact]
    public void AnUnknownArchNamesTheConfigPathAndTheValidArchs()
    {
        var error = Assert.Throws<OmlException>(() => Registry.Extractors.Create("vit", Args("arch: vits14_regs")));
        Assert.Equal("extractor.args.arch = 'vits14_regs' is not a ViT arch (did you mean 'vits14_reg'?); " +
                     "valid: vits8, vits16, vitb8, vitb16, vits14, vitb14, vitl14, vits14_reg, vitb14_reg, vitl14_reg", error.Message);
    }

    [Fact]
    public void NormalisedFeaturesAreThePyTorchFeaturesOverTheirNorm()
    {
        using var scope = NewDisposeScope();
        using var model = new ViTExtractor(TinyWithRegisters, FeatureNormalisation.L2);
        ExtractorWeights.Load(model, ModelFixtures.File("dinov2_reg_tiny.pth"), "extractor.args.weights");
        model.eval();
        using (no_grad())
        {
            var expected = ModelFixtures.Expected("dinov2_reg_tiny_56x42");
            expected = expected / linalg.vector_norm(expected, dims: [1], keepdim: true);
            Assert.InRange(ModelFixtures.MaxAbsDifference(model.Extract(ModelFixtures.Input("dinov2_reg_tiny_56x42", 56, 42)), expected), 0, Tolerance);
        }
    }

    [Fact]
    public void AnInputOfPartialPatchesIsRefusedAsOmlAssertsNamingTheSidesThatWork()
    {
        using var scope = NewDisposeScope();
        using var single = new ViTExtractor(Tiny);
        var error = Assert.Throws<OmlException>(() => single.Extract(randn(1, 3, 50, 49)));
        Assert.Contains("a DINOv2 ViT (patch 7) takes images whose sides are multiples of 7, got 50x49", error.Message);

        // 224 px (OML's zoo transform) is whole patches of 14, but 224 / √2 = 158 px is not
        Assert.Equal([140, 476, 812], ViTExtractor.MultiScaleSides(14));
        using var multi = new ViTExtractor(Tiny, useMultiScale: true);
        var multiError = Assert.Throws<OmlException>(() => multi.Extract(randn(1, 3, 56, 56)));
        Assert.Contains("got 39x39", multiError.Message);
        Assert.Contains($"sides {string.Join(", ", ViTExtractor.MultiScaleSides(7))} px work", multiError.Message);
        Assert.Equal(new long[] { 1, 24 }, multi.Extract(randn(1, 3, 70, 70)).shape);

        // DINO v1 keeps dropping the partial patch
        using var v1 = new ViTExtractor(ModelFixtures.TinyViT);
        Assert.Equal(new long[] { 1, 32 }, v1.Extract(randn(1, 3, 36, 33)).shape);
    }

    [Fact]
    public void TheDinov2ZooKeysAreBuiltWithTheirArchs()
    {
        foreach (var key in new[] { "vits14_dinov2", "vits14_reg_dinov2", "vitb14_dinov2", "vitb14_reg_dinov2", "vitl14_dinov2", "vitl14_reg_dinov2" })
        {
            var entry = ZooTable.Find(key)!;
            Assert.Null(PretrainedSupport.MissingArchitecture(entry));
            Assert.Equal(entry.Arch, key[..^"_dinov2".Length]);
            Assert.Equal(ViTFamily.Dinov2, ViTSpec.ForArch(entry.Arch).Family);
        }
        using var vits14 = new ViTExtractor(Tiny);
        Assert.Equal("extractor.args.weights = 'vits14_reg_dinov2' holds the weights of {name: vit, args: {arch: vits14_reg}}; " +
                     "they do not fit a ViT with patch 7, dim 24, depth 2",
            PretrainedSupport.Mismatch(ZooTable.Find("vits14_reg_dinov2")!, vits14, "extractor.args.weights"));
    }

    [Fact]
    public void AZooKeyIsDownloadedAndLoadsAsTheFileDoes()
    {
        using var server = new ZooTestServer();
        using var source = new ViTExtractor("vits14_reg");
        var file = Dir.File("dinov2_vits14_reg4_pretrain.pth");
        ModuleWeights.Save(source, file);
        var bytes = File.ReadAllBytes(file);
        var entry = ZooTable.Find("vits14_reg_dinov2")! with { Checksum = ZooChecksum.Md5(Convert.ToHexStringLower(MD5.HashData(bytes))[..6]) };
        server.Files["/dinov2/dinov2_vits14/dinov2_vits14_reg4_pretrain.pth"] = bytes;

        using var fromKey = new ViTExtractor("vits14_reg");
        ExtractorWeights.Load(fromKey, "vits14_reg_dinov2", "extractor.args.weights", ZooExtractorTests.Zoo(Dir.File("cache"), server.BaseUrl, entry));

        ZooExtractorTests.AssertSameWeights(source, fromKey);
        Assert.Equal("/dinov2/dinov2_vits14/dinov2_vits14_reg4_pretrain.pth", Assert.Single(server.Requests).Path);
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(Dir.File("cache"), "dinov2_vits14_reg4.ckpt")));

        // the same key into the arch without registers is refused before the cached file is read
        using var vits14 = new ViTExtractor("vits14");
        var error = Assert.Throws<OmlException>(() =>
            ExtractorWeights.Load(vits14, "vits14_reg_dinov2", "extractor.args.weights", ZooExtractorTests.Zoo(Dir.File("cache"), server.BaseUrl, entry)));
        Assert.Equal("extractor.args.weights = 'vits14_reg_dinov2' holds the weights of {name: vit, args: {arch: vits14_reg}}; " +
                     "they do not fit a ViT with patch 14, dim 384, depth 12", error.Message);
    }

    [Fact]
    public void ATrainingStepMovesTheLayerScalesAndRegistersAndLeavesTheUnusedMaskTokenAlone()
    {
        using var scope = NewDisposeScope();
        using var model = new ViTExtractor(TinyWithRegisters, FeatureNormalisation.L2);
        ExtractorWeights.Load(model, ModelFixtures.File("dinov2_reg_tiny.pth"), "extractor.args.weights");
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var optimizer = Registry.Optimizers.Create("adamw", BlockArgs.From("optimizer.args", ("lr", 0.01)),
            new OptimizerContext(model.parameters(), []));
        model.train();
        optimizer.ZeroGrad();
        model.Extract(ModelFixtures.Input("dinov2_reg_tiny_56x42", 56, 42)).sum(1).pow(2).mean().backward();
        optimizer.Optimizer.step();
        var after = model.state_dict();
        foreach (var key in new[] { "blocks.0.ls1.gamma", "blocks.1.ls2.gamma", "register_tokens", "pos_embed" })
            Assert.False(after[key].equal(before[key]).all().item<bool>(), key);
        Assert.True(after["mask_token"].equal(before["mask_token"]).all().item<bool>());
    }

    [Fact]
    public void RegisterTokensAreDinov2Only() =>
        Assert.Throws<ArgumentException>(() => new ViTExtractor(new ViTSpec(8, 32, 1, 2, ImageSize: 32) { RegisterTokens = 4 }));

    private static BlockArgs Args(string yaml) =>
        new((IReadOnlyDictionary<string, object?>)Oml.Config.ConfigLoader.Parse(yaml, "t.yaml", null).Values, "extractor.args");
}
