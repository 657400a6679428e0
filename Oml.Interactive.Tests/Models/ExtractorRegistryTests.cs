using Oml.Models;
using Oml.Registries;
using Oml.Training;
using Oml.Weights;

namespace Oml.Tests.Models;

public sealed class ExtractorRegistryTests
{
    private static BlockArgs Args(string yaml) =>
        new((IReadOnlyDictionary<string, object?>)Oml.Config.ConfigLoader.Parse(yaml, "t.yaml", null).Values, "extractor.args");

    [Fact]
    public void OmlBlocksBuildTheirExtractors()
    {
        using var resnet = Registry.Extractors.Create("resnet", Args("arch: resnet18\ngem_p: 3.0\nremove_fc: true\nnormalise_features: true\nweights: null"));
        Assert.Equal(512, resnet.FeatDim);
        Assert.Equal(FeatureNormalisation.L2, resnet.Normalisation);
        Assert.Equal(3.0, ((ResnetExtractor)resnet).GemP);

        using var detached = Registry.Extractors.Create("resnet", Args("arch: resnet18\nnormalise_features: true\ndetach_norm: true"));
        Assert.Equal(FeatureNormalisation.L2DetachedNorm, detached.Normalisation);

        using var vit = Registry.Extractors.Create("vit", Args("arch: vits16\nnormalise_features: false\nuse_multi_scale: true\nweights: null"));
        Assert.Equal(384, vit.FeatDim);
        Assert.True(((ViTExtractor)vit).UseMultiScale);

        using var mlp = Registry.Extractors.Create("extractor_with_mlp",
            Args("mlp_features: [64, 16]\nweights: null\nextractor: {name: resnet, args: {arch: resnet18, remove_fc: true, weights: null}}"));
        Assert.Equal(16, mlp.FeatDim);
        Assert.True(((ExtractorWithMlp)mlp).TrainBackbone); // OML's default would freeze it silently (quirk Q7, docs/oml-quirks.md)
    }

    [Theory]
    [InlineData("vit", "arch: vits16\nweights: vits14_dinov2", "'vits14_dinov2' holds the weights of {name: vit, args: {arch: vits14}}; they do not fit a ViT with patch 16, dim 384, depth 12")]
    [InlineData("vit", "arch: vits8\nweights: vits16_dino", "'vits16_dino' holds the weights of {name: vit, args: {arch: vits16}}")]
    [InlineData("vit", "arch: vits16\nweights: no/such/file.pth", "the weights file no/such/file.pth does not exist")]
    [InlineData("resnet", "arch: resnet19", "resnet19")]
    [InlineData("resnet", "arch: resnet18\ngem: 3", "did you mean 'gem_p'")]
    [InlineData("vit_clip", "arch: vitb16", "extractor.args.arch = 'vitb16' is not a CLIP ViT arch; valid: vitb16_224, vitb32_224, vitl14_224, vitl14_336")]
    [InlineData("vit_unicom", "arch: vitb32_unicom", "extractor.args.normalise_features is required for vit_unicom")]
    [InlineData("vit_unicom", "normalise_features: true", "extractor.args.arch = null is not a Unicom ViT arch; valid: vitb32_unicom, vitb16_unicom")]
    [InlineData("vit_clip", "arch: vitb32_224\nweights: openai_vitb16_224", "'openai_vitb16_224' holds the weights of {name: vit_clip, args: {arch: vitb16_224}}")]
    [InlineData("extractor_with_mlp", "mlp_features: [8]\nweights: a.pth\nextractor: {name: resnet, args: {arch: resnet18, weights: b.pth}}", "both set")]
    public void MistakesNameTheArgument(string name, string yaml, string expected)
    {
        var error = Assert.Throws<OmlException>(() => Registry.Extractors.Create(name, Args(yaml)));
        Assert.Contains(expected, error.Message + string.Join("\n", error.Details));
    }

    [Fact]
    public void AnOmlStyleCheckpointWithPrefixAndCriterionKeysLoadsIntoTheExtractor()
    {
        using var dir = new TempDirectory();
        manual_seed(1);
        using var source = new ResnetExtractor("resnet18");
        source.eval();
        // what OML's Lightning module saves: keys under model.model.*, plus the ArcFace weight under criterion.*
        var entries = source.state_dict().Select(p => new KeyValuePair<string, Tensor>("model.model." + p.Key, p.Value))
            .Append(new("criterion.weight", randn(10, 512)))
            .Append(new("criterion.mlp.0.weight", randn(4, 4)))
            .ToList();
        var file = dir.File("oml_style.pth");
        StateDictFile.Write(entries, file, WeightsFormat.PyTorch);

        using var loaded = Registry.Extractors.Create("resnet", Args($"arch: resnet18\nweights: {file}"));
        loaded.eval();
        using var x = randn(2, 3, 64, 64);
        using var expected = source.forward(x);
        using var actual = loaded.forward(x);
        Assert.True(expected.allclose(actual, 0, 0));
    }

    [Fact]
    public void ATrainingCheckpointLoadsAsWeights()
    {
        using var dir = new TempDirectory();
        manual_seed(2);
        using var source = new ResnetExtractor("resnet18");
        using var criterion = new Oml.Losses.TripletLossWithMiner(0.2);
        using var optimizer = optim.Adam(source.parameters(), 1e-3);
        var file = dir.File("best.ckpt");
        TrainingCheckpoint.Save(file, new CheckpointState
        {
            EpochsCompleted = 1, GlobalStep = 2, Seed = 0, MonitoredMetric = "OVERALL/cmc/1", Mode = "max",
            ExtractorName = "resnet", ExtractorArgs = new() { ["arch"] = "resnet18" },
        }, source, criterion, optimizer);

        using var loaded = Registry.Extractors.Create("resnet", Args($"arch: resnet18\nweights: {file}"));
        source.eval();
        loaded.eval();
        using var x = randn(2, 3, 32, 32);
        Assert.True(source.forward(x).allclose(loaded.forward(x), 0, 0));
    }
}
