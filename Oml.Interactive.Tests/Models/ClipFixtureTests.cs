using Oml.Models;
using Oml.Registries;
using Oml.Weights;

namespace Oml.Tests.Models;

/// <summary>
/// The CLIP extractor against PyTorch (Fixtures/models/make_clip_unicom_fixtures.py): an OpenAI-style TorchScript archive
/// and a ruCLIP-style whole-model state dict both load with strict key matching and give PyTorch's output; full-size
/// archs have exactly the keys and shapes of CLIP's image tower.
/// </summary>
public sealed class ClipFixtureTests(ITestOutputHelper output) : TempDirectoryTest
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("clip_tiny_openai.pt", WeightsFormat.TorchScript)]
    [InlineData("clip_tiny_ruclip.bin", WeightsFormat.PyTorch)]
    public void AWholeClipsFileLoadsItsImageTowerStrictlyAndMatchesPyTorch(string file, WeightsFormat format)
    {
        using var scope = NewDisposeScope();
        using (var read = StateDictFile.Read(ModelFixtures.File(file)))
        {
            Assert.Equal(format, read.Format);
            Assert.Contains("visual.conv1.weight", read.Keys);
            Assert.Contains("transformer.resblocks.0.attn.in_proj_weight", read.Keys); // the text tower's, same name as the image tower's
            Assert.Equal(format == WeightsFormat.TorchScript ? ScalarType.Float16 : ScalarType.Float32, read["visual.proj"].dtype);
        }
        using var model = new ViTClipExtractor(ClipUnicomFixtures.TinyClip);
        using var random = new ViTClipExtractor(ClipUnicomFixtures.TinyClip);
        ExtractorWeights.Load(model, ModelFixtures.File(file), "extractor.args.weights");
        var (difference, largest) = ModelFixtures.AssertMatchesPyTorch(model, "clip_tiny", 32, 32, Tolerance);
        output.WriteLine($"max abs difference to PyTorch: {difference:E2} (largest feature {largest:F3})");
        random.eval();
        using (no_grad())
        {
            // the weights matter
            Assert.True(ModelFixtures.MaxAbsDifference(random.Extract(ModelFixtures.Input("clip_tiny", 32, 32)), ModelFixtures.Expected("clip_tiny")) > 0.01);
        }
    }

    [Fact]
    public void TheImageTowersOwnStateDictLoadsTooAndAMissingKeyIsAnError()
    {
        using var source = new ViTClipExtractor(ClipUnicomFixtures.TinyClip);
        var own = Dir.File("tower.pth");
        ModuleWeights.Save(source, own);
        using var model = new ViTClipExtractor(ClipUnicomFixtures.TinyClip);
        ExtractorWeights.Load(model, own, "extractor.args.weights");
        Zoo.ZooExtractorTests.AssertSameWeights(source, model);

        var partial = Dir.File("partial.pth");
        StateDictFile.Write(source.state_dict().Where(kv => kv.Key != "proj").Select(kv => new KeyValuePair<string, Tensor>("visual." + kv.Key, kv.Value)).ToList(),
            partial, WeightsFormat.PyTorch);
        var e = Assert.Throws<OmlException>(() => ExtractorWeights.Load(model, partial, "extractor.args.weights"));
        Assert.Contains("1 missing key", e.Message);
        Assert.Contains("proj", string.Join("\n", e.Details));
    }

    [Fact]
    public void EveryParameterLearns()
    {
        using var model = new ViTClipExtractor(ClipUnicomFixtures.TinyClip, FeatureNormalisation.L2);
        model.train();
        using var x = randn(2, 3, 32, 32);
        using var loss = model.Extract(x).pow(3).sum();
        loss.backward();
        Assert.All(model.named_parameters(), p => Assert.True(p.parameter.grad is { } g && g.abs().sum().item<float>() > 0, p.name));
    }

    [Theory]
    [InlineData("vitb16_224")]
    [InlineData("vitb32_224")]
    [InlineData("vitl14_224")]
    [InlineData("vitl14_336")]
    public void FullSizeClipHasTheImageTowersKeysAndShapes(string arch)
    {
        using var model = new ViTClipExtractor(arch);
        Assert.Equal(ModelFixtures.Manifest("clip_" + arch), ModelFixtures.KeysAndShapes(model));
        Assert.Equal(ClipSpec.ForArch(arch).OutputDim, model.FeatDim);
    }

    [Fact]
    public void TheRegistryBuildsVitClipWithOmlsDefaultsAndLoadsAWholeClipsFile()
    {
        using var source = new ViTClipExtractor("vitb32_224");
        var file = Dir.File("pytorch_model.bin");
        ClipUnicomFixtures.WriteWholeClip(source, file);

        using var plain = Registry.Extractors.Create("vit_clip", BlockArgs.From("extractor.args", ("arch", "vitb32_224")));
        Assert.Equal(512, plain.FeatDim);
        Assert.Equal(FeatureNormalisation.L2, plain.Normalisation); // OML's default normalise_features is true for vit_clip

        using var loaded = Registry.Extractors.Create("vit_clip", BlockArgs.From("extractor.args",
            ("arch", "vitb32_224"), ("normalise_features", false), ("weights", file)));
        Assert.Equal(FeatureNormalisation.None, loaded.Normalisation);
        ClipUnicomFixtures.AssertHalfOf(source, loaded);
    }

    [Fact]
    public void AnImageOfAnotherSizeIsRefusedWithTheSizeToUse()
    {
        using var model = new ViTClipExtractor(ClipUnicomFixtures.TinyClip);
        using var x = randn(1, 3, 40, 40);
        var e = Assert.Throws<OmlException>(() => model.Extract(x));
        Assert.Equal("a CLIP ViT takes images of 32x32 pixels only ([N, 3, 32, 32]); got [1, 3, 40, 40]. Resize them to 32 in the transforms, " +
                     "e.g. {name: norm_resize_albu_clip, args: {im_size: 32}} as OML does for its CLIP checkpoints", e.Message);

        using var b16 = new ViTClipExtractor("vitb16_224");
        using var small = randn(1, 3, 160, 160);
        Assert.StartsWith("vit_clip vitb16_224 takes images of 224x224 pixels only", Assert.Throws<OmlException>(() => b16.Extract(small)).Message);
    }
}
