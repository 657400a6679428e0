using Oml.Models;

namespace Oml.Tests.Models;

/// <summary>ExtractorWithMlp (OML's <c>oml/models/meta/projection.py: ExtractorWithMLP</c>; quirk Q7 in docs/oml-quirks.md): keys, FeatDim, frozen and trainable backbones.</summary>
public sealed class ExtractorWithMlpTests
{
    [Fact]
    public void KeysAreExtractorAndTorchvisionMlpProjection()
    {
        using var model = new ExtractorWithMlp(new ResnetExtractor(ModelFixtures.TinyBasic), [16, 8]);
        var keys = model.state_dict().Keys.ToArray();
        Assert.Contains("extractor.conv1.weight", keys);
        Assert.Contains("extractor.layer2.0.downsample.1.running_mean", keys);
        Assert.Equal(new[] { "projection.0.bias", "projection.0.weight", "projection.3.bias", "projection.3.weight" },
            keys.Where(k => k.StartsWith("projection.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(8, model.FeatDim);
        Assert.True(model.TrainBackbone);
    }

    [Fact]
    public void FrozenBackboneGetsNoGradientsAndTheProjectionDoes()
    {
        using var scope = NewDisposeScope();
        using var model = new ExtractorWithMlp(new ViTExtractor(ModelFixtures.TinyViT), [8], trainBackbone: false);
        model.Extract(randn(2, 3, 32, 32)).sum().backward();
        Assert.All(model.Backbone.parameters(), p => Assert.Null(p.grad));
        Assert.All(model.Projection.parameters(), p => Assert.NotNull(p.grad));
    }

    [Fact]
    public void TrainableBackboneGetsGradients()
    {
        using var scope = NewDisposeScope();
        using var model = new ExtractorWithMlp(new ResnetExtractor(ModelFixtures.TinyBasic), [16, 8]);
        model.Extract(randn(2, 3, 32, 32)).sum().backward();
        Assert.All(model.Backbone.named_parameters(), p => Assert.True(p.parameter.grad is not null, p.name));
        Assert.All(model.Projection.parameters(), p => Assert.NotNull(p.grad));
    }

    [Fact]
    public void FreezeAndUnfreezeSwitchTheBackbone()
    {
        using var scope = NewDisposeScope();
        using var model = new ExtractorWithMlp(new ResnetExtractor(ModelFixtures.TinyBasic), [4]);
        IFreezable freezable = model;
        freezable.Freeze();
        Assert.False(model.TrainBackbone);
        Assert.All(model.Backbone.parameters(), p => Assert.False(p.requires_grad));
        Assert.All(model.Projection.parameters(), p => Assert.True(p.requires_grad));
        freezable.Unfreeze();
        Assert.True(model.TrainBackbone);
        model.Extract(randn(2, 3, 32, 32)).sum().backward();
        Assert.All(model.Backbone.parameters(), p => Assert.NotNull(p.grad));
    }

    [Fact]
    public void TrainableBackboneRespectsTheCallersNoGrad()
    {
        using var scope = NewDisposeScope();
        using var model = new ExtractorWithMlp(new ResnetExtractor(ModelFixtures.TinyBasic), [4]);
        using (no_grad())
            Assert.False(model.Extract(randn(2, 3, 32, 32)).requires_grad);
    }

    [Fact]
    public void RejectsEmptyOrNonPositiveMlpFeatures()
    {
        using var backbone = new ResnetExtractor(ModelFixtures.TinyBasic);
        Assert.Throws<OmlException>(() => new ExtractorWithMlp(backbone, []));
        Assert.Throws<OmlException>(() => new ExtractorWithMlp(backbone, [8, 0]));
    }
}
