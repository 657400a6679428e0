using Oml.Models;
using Oml.Postprocessing;
using Oml.Tests.Infrastructure;
using Oml.Tests.Models;
using Oml.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Tests.Postprocessing;

/// <summary>
/// ConcatSiamese (OML's <c>oml/models/meta/siamese.py: ConcatSiamese</c>) against PyTorch
/// (Fixtures/models/make_siamese_fixtures.py): OML's state-dict keys, a Lightning checkpoint loaded strictly through
/// <c>weights</c>, the same logits and predictions with and without TTA, freezing, and the weights errors.
/// </summary>
public sealed class ConcatSiameseTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(new[] { 192 }, new[] { "head.0.bias", "head.0.weight", "head.3.weight" })]
    [InlineData(new[] { 20, 20 }, new[] { "head.0.bias", "head.0.weight", "head.3.bias", "head.3.weight", "head.6.weight" })]
    [InlineData(new int[0], new[] { "head.0.weight" })]
    public void KeysAreOmlsExtractorAndTorchvisionMlpHead(int[] hiddenDims, string[] headKeys)
    {
        using var extractor = new ResnetExtractor(ModelFixtures.TinyBasic);
        var extractorKeys = extractor.state_dict().Keys.Select(k => "extractor." + k).ToArray();
        using var model = new ConcatSiamese(new ResnetExtractor(ModelFixtures.TinyBasic), hiddenDims);
        var keys = model.state_dict().Keys.ToArray();
        Assert.Equal(headKeys, keys.Where(k => k.StartsWith("head.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(extractorKeys.Order(StringComparer.Ordinal), keys.Where(k => k.StartsWith("extractor.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(extractorKeys.Length + headKeys.Length, keys.Length);
        Assert.Equal(PairwiseInput.Images, model.Input);
        Assert.False(model.UseTta);
        Assert.True(model.TrainBackbone);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LightningCheckpointLoadsStrictlyAndMatchesPyTorch(bool useTta)
    {
        using var scope = NewDisposeScope();
        using var model = PairwiseFixtures.TinyConcatSiamese(useTta);
        model.LoadWeights(PairwiseFixtures.Checkpoint);
        model.eval();
        var expected = PairwiseFixtures.Expected();
        using (no_grad())
        {
            var x1 = PairwiseFixtures.Images("x1");
            var x2 = PairwiseFixtures.Images("x2");
            var logits = model.forward(x1, x2);
            Assert.Equal([4L], logits.shape);
            Assert.InRange(ModelFixtures.MaxAbsDifference(logits, expected[.., 0]), 0, Tolerance);
            var predicted = model.Predict(x1, x2);
            Assert.InRange(ModelFixtures.MaxAbsDifference(predicted, expected[.., useTta ? 2 : 1]), 0, Tolerance);
            // the scores of the pairs differ by far more than the tolerance: the test tells them apart
            Assert.True((expected[.., 1].max() - expected[.., 1].min()).item<float>() > 0.01f);
        }
    }

    [Fact]
    public void TtaIsSymmetricAndWithoutItTheOrderMatters()
    {
        using var scope = NewDisposeScope();
        using var tta = PairwiseFixtures.TinyConcatSiamese(useTta: true);
        using var plain = PairwiseFixtures.TinyConcatSiamese();
        tta.LoadWeights(PairwiseFixtures.Checkpoint);
        plain.LoadWeights(PairwiseFixtures.Checkpoint);
        tta.eval();
        plain.eval();
        using (no_grad())
        {
            var x1 = PairwiseFixtures.Images("x1");
            var x2 = PairwiseFixtures.Images("x2");
            Assert.InRange(ModelFixtures.MaxAbsDifference(tta.Predict(x1, x2), tta.Predict(x2, x1)), 0, 1e-6);
            Assert.True(ModelFixtures.MaxAbsDifference(plain.Predict(x1, x2), plain.Predict(x2, x1)) > 1e-3);
            // TTA is the mean of both orders
            var mean = (plain.Predict(x1, x2) + plain.Predict(x2, x1)) / 2;
            Assert.InRange(ModelFixtures.MaxAbsDifference(tta.Predict(x1, x2), mean), 0, 1e-6);
            // a pair of one image twice scores the same either way (the fixture's first pair)
            Assert.Equal(plain.Predict(x1, x2)[0].item<float>(), plain.Predict(x2, x1)[0].item<float>(), 1e-6f);
        }
    }

    [Fact]
    public void FreezeStopsTheExtractorsGradientsAndUnfreezeRestoresThem()
    {
        using var scope = NewDisposeScope();
        using var model = PairwiseFixtures.TinyConcatSiamese();
        IFreezable freezable = model;
        var x1 = randn(2, 3, 32, 32);
        var x2 = randn(2, 3, 32, 32);

        freezable.Freeze();
        Assert.False(model.TrainBackbone);
        model.forward(x1, x2).sum().backward();
        Assert.All(model.Backbone.parameters(), p => Assert.Null(p.grad));
        Assert.All(model.Head.parameters(), p => Assert.NotNull(p.grad));

        freezable.Unfreeze();
        model.zero_grad();
        model.forward(x1, x2).sum().backward();
        Assert.All(model.Backbone.named_parameters(), p => Assert.True(p.parameter.grad is not null, p.name));
        using (no_grad()) Assert.False(model.forward(x1, x2).requires_grad); // the caller's no_grad holds
    }

    [Fact]
    public void OwnCheckpointsAndSavedWeightsRoundTrip()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDirectory();
        using var trained = PairwiseFixtures.TinyConcatSiamese();
        trained.LoadWeights(PairwiseFixtures.Checkpoint);
        var checkpoint = PairwiseFixtures.WriteCheckpoint(dir.File("best.ckpt"), trained, CheckpointFile.PairwiseModelEntry);
        ModuleWeights.Save(trained, dir.File("pairwise.pth"));

        foreach (var weights in new[] { checkpoint, dir.File("pairwise.pth") })
        {
            using var model = PairwiseFixtures.TinyConcatSiamese();
            model.LoadWeights(weights);
            model.eval();
            using (no_grad())
            {
                var logits = model.forward(PairwiseFixtures.Images("x1"), PairwiseFixtures.Images("x2"));
                Assert.InRange(ModelFixtures.MaxAbsDifference(logits, PairwiseFixtures.Expected()[.., 0]), 0, Tolerance);
            }
        }
    }

    [Fact]
    public void WeightsThatDoNotFitNameTheConfigPathAndWhatDiffers()
    {
        using var dir = new TempDirectory();
        const string path = "postprocessor.args.pairwise_model.args.weights";

        // another head than the one trained
        using (var wider = new ConcatSiamese(new ResnetExtractor(ModelFixtures.TinyBasic), [16, 6]))
        {
            var e = Assert.Throws<OmlException>(() => wider.LoadWeights(PairwiseFixtures.Checkpoint));
            Assert.StartsWith(path + ": ", e.Message);
            Assert.Contains("shape mismatch", e.Message);
            Assert.Contains("mlp_hidden_dims", e.Message);
            Assert.Contains(e.Details, d => d.Contains("head.0.weight: file [12, 32] vs model [16, 32]", StringComparison.Ordinal));
        }

        // another extractor than the one trained
        using (var other = new ConcatSiamese(new ResnetExtractor(ModelFixtures.TinyBottleneck), PairwiseFixtures.TinyHiddenDims))
        {
            var e = Assert.Throws<OmlException>(() => other.LoadWeights(PairwiseFixtures.Checkpoint));
            Assert.StartsWith(path + ": ", e.Message);
            Assert.Contains("extractor", e.Message);
        }

        using var model = PairwiseFixtures.TinyConcatSiamese();
        // an extractor's weights file
        var extractorFile = Assert.Throws<OmlException>(() => model.LoadWeights(ModelFixtures.File("resnet_basic_tiny.pth")));
        Assert.Contains("no head.* keys", extractorFile.Message);
        Assert.Contains("postprocessor.args.pairwise_model.args.extractor.args.weights", extractorFile.Message);

        // a checkpoint of oml train (an extractor) given as the pairwise model's weights
        using var extractor = new ResnetExtractor(ModelFixtures.TinyBasic);
        var trainCheckpoint = PairwiseFixtures.WriteCheckpoint(dir.File("extractor.ckpt"), extractor, CheckpointFile.ExtractorEntry);
        var wrongKind = Assert.Throws<OmlException>(() => model.LoadWeights(trainCheckpoint, "pp.weights"));
        Assert.StartsWith("pp.weights: ", wrongKind.Message);
        Assert.Contains("is a checkpoint of oml train (it holds an extractor", wrongKind.Message);

        // a postprocessor checkpoint of another model
        using var otherHead = new ConcatSiamese(new ResnetExtractor(ModelFixtures.TinyBasic), [5]);
        var otherCheckpoint = PairwiseFixtures.WriteCheckpoint(dir.File("other.ckpt"), otherHead, CheckpointFile.PairwiseModelEntry);
        var mismatch = Assert.Throws<OmlException>(() => model.LoadWeights(otherCheckpoint));
        Assert.StartsWith(path + ": ", mismatch.Message);
        Assert.Contains("the pairwise model in this checkpoint does not fit the configured pairwise model", mismatch.Message);
        Assert.Contains(mismatch.Details, d => d.Contains("head.6.weight", StringComparison.Ordinal));

        Assert.Contains("does not exist", Assert.Throws<OmlException>(() => model.LoadWeights(dir.File("missing.ckpt"))).Message);
        Assert.Contains("mlp_hidden_dims", Assert.Throws<OmlException>(() => new ConcatSiamese(extractor, [4, 0])).Message);
    }

    [Fact]
    public void APostprocessorCheckpointGivenAsExtractorWeightsIsAClearError()
    {
        using var dir = new TempDirectory();
        using var model = PairwiseFixtures.TinyConcatSiamese();
        var checkpoint = PairwiseFixtures.WriteCheckpoint(dir.File("best.ckpt"), model, CheckpointFile.PairwiseModelEntry);
        using var extractor = new ResnetExtractor(ModelFixtures.TinyBasic);
        var e = Assert.Throws<OmlException>(() => ExtractorWeights.Load(extractor, checkpoint, "extractor.args.weights"));
        Assert.StartsWith("extractor.args.weights: ", e.Message);
        Assert.Contains("is a checkpoint of oml train-postprocessor", e.Message);
        Assert.Contains("postprocessor.args.pairwise_model.args.weights", e.Message);
    }
}
