using Oml.Models;

namespace Oml.Tests.Models;

/// <summary>ResnetExtractor (OML's <c>oml/models/resnet/extractor.py: ResnetExtractor</c>): shapes, FeatDim, options, normalisation, save / load.</summary>
public sealed class ResnetExtractorTests
{
    [Fact]
    public void FullSizeResnet18GivesFeatDimFeaturesAt64Pixels()
    {
        using var scope = NewDisposeScope();
        using var model = new ResnetExtractor("resnet18");
        model.eval();
        Assert.Equal(512, model.FeatDim);
        using (no_grad())
            Assert.Equal(new long[] { 2, 512 }, model.Extract(randn(2, 3, 64, 64)).shape);
    }

    [Theory]
    [InlineData("resnet18", true, 512)]
    [InlineData("resnet18", false, 1000)]
    [InlineData("resnet34", true, 512)]
    [InlineData("resnet50", true, 2048)]
    [InlineData("resnet50_projector", true, 2048)]
    [InlineData("resnet50_projector", false, 128)]
    public void FeatDimFollowsArchAndRemoveFc(string arch, bool removeFc, int featDim)
    {
        using var model = new ResnetExtractor(arch, gemP: 5.0, removeFc: removeFc);
        Assert.Equal(featDim, model.FeatDim);
        Assert.Equal(removeFc, !model.state_dict().Keys.Any(k => k.StartsWith("fc.", StringComparison.Ordinal)));
    }

    [Fact]
    public void TinyVariantsGiveTheirFeatDim()
    {
        using var scope = NewDisposeScope();
        var x = randn(3, 3, 32, 32);
        using var basic = new ResnetExtractor(ModelFixtures.TinyBasic, removeFc: false);
        using var bottleneck = new ResnetExtractor(ModelFixtures.TinyBottleneck, gemP: 3);
        Assert.Equal(new long[] { 3, 10 }, basic.Extract(x).shape);
        Assert.Equal(new long[] { 3, 64 }, bottleneck.Extract(x).shape);
        Assert.Equal(64, bottleneck.FeatDim);
    }

    [Fact]
    public void L2NormalisedFeaturesHaveUnitNorm()
    {
        using var scope = NewDisposeScope();
        using var model = new ResnetExtractor(ModelFixtures.TinyBasic, normalisation: FeatureNormalisation.L2);
        model.eval();
        var norms = linalg.vector_norm(model.Extract(randn(4, 3, 32, 32)), dims: [1]);
        Assert.True(allclose(norms, ones(4), rtol: 0, atol: 1e-5));
        Assert.Equal(FeatureNormalisation.L2, model.Normalisation);
    }

    [Fact]
    public void SaveThenLoadIntoNewInstanceGivesIdenticalOutputs()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDirectory();
        var x = randn(2, 3, 32, 32);
        using var model = new ResnetExtractor(ModelFixtures.TinyBottleneck, gemP: 3, removeFc: false);
        model.train();
        using (no_grad()) model.Extract(randn(4, 3, 32, 32)); // non-trivial BN running stats
        model.eval();
        var path = dir.File("resnet.bin");
        model.save(path);
        using var copy = new ResnetExtractor(ModelFixtures.TinyBottleneck, gemP: 3, removeFc: false);
        copy.load(path);
        copy.eval();
        using (no_grad())
            Assert.True(model.Extract(x).eq(copy.Extract(x)).all().item<bool>());
    }

    [Fact]
    public void InitialisesLikeTorchvision()
    {
        using var scope = NewDisposeScope();
        using var model = new ResnetExtractor(ModelFixtures.TinyBottleneck, removeFc: false);
        var state = model.state_dict();
        // kaiming_normal_(fan_out, relu): std = sqrt(2 / (out_channels · k · k)); conv1 is 4 × 3 × 7 × 7
        Assert.InRange(state["conv1.weight"].std().item<float>(), 0.8 * Math.Sqrt(2.0 / (4 * 49)), 1.2 * Math.Sqrt(2.0 / (4 * 49)));
        Assert.Equal(1, state["layer1.0.bn3.weight"].min().item<float>());
        Assert.Equal(0, state["layer1.0.bn3.bias"].abs().max().item<float>());
        Assert.Equal(0, state["bn1.num_batches_tracked"].item<long>());
    }

    [Fact]
    public void RejectsUnknownArchAndBadGemP()
    {
        var arch = Assert.Throws<OmlException>(() => new ResnetExtractor("resnet19"));
        Assert.Contains("resnet18, resnet18_mlnet, resnet34, resnet50", arch.Message, StringComparison.Ordinal);
        Assert.Throws<OmlException>(() => new ResnetExtractor(ModelFixtures.TinyBasic, gemP: 0));
    }

    [Fact]
    public void ForwardLeavesOnlyItsResultAlive()
    {
        using var x = randn(2, 3, 32, 32);
        using var model = new ResnetExtractor(ModelFixtures.TinyBasic, gemP: 3, normalisation: FeatureNormalisation.L2);
        model.Extract(x).Dispose(); // warm-up
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        model.Extract(x).Dispose();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
