using Oml.Models;
using Oml.Postprocessing;
using Oml.Tests.Models;
using static TorchSharp.torch;

namespace Oml.Tests.Postprocessing;

/// <summary>TrivialDistanceSiamese (OML's <c>oml/models/meta/siamese.py: TrivialDistanceSiamese</c>) with and without an extractor.</summary>
public sealed class TrivialDistanceSiameseTests
{
    [Fact]
    public void WithAnExtractorItIsTheDistanceOfTheImagesFeaturesPlusTheBias()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var model = new TrivialDistanceSiamese(new ResnetExtractor(ModelFixtures.TinyBasic), outputBias: 0.25f);
        model.eval();
        Assert.Equal(PairwiseInput.Images, model.Input);
        Assert.All(model.state_dict().Keys, k => Assert.StartsWith("extractor.", k));
        var x1 = randn(3, 3, 32, 32);
        var x2 = randn(3, 3, 32, 32);
        using (no_grad())
        {
            var f1 = model.Backbone!.forward(x1);
            var f2 = model.Backbone.forward(x2);
            var expected = (f1 - f2).pow(2).sum(1).sqrt() + 0.25f;
            var predicted = model.Predict(x1, x2);
            Assert.Equal([3L], predicted.shape);
            Assert.InRange(ModelFixtures.MaxAbsDifference(predicted, expected), 0, 1e-5);
            Assert.InRange(ModelFixtures.MaxAbsDifference(model.Predict(x1, x1), full(3, 0.25f)), 0, 1e-5);
        }
    }

    [Fact]
    public void WithoutAnExtractorItTakesEmbeddingsAndHasNoWeights()
    {
        using var scope = NewDisposeScope();
        using var model = new TrivialDistanceSiamese(outputBias: 1);
        Assert.Equal(PairwiseInput.Embeddings, model.Input);
        Assert.Null(model.Backbone);
        Assert.Empty(model.state_dict());
        var predicted = model.Predict(tensor(new float[] { 0, 0, 1, 1 }, [2, 2]), tensor(new float[] { 3, 4, 1, 1 }, [2, 2]));
        Assert.Equal([6f, 1f], predicted.data<float>().ToArray());
        using var linear = new LinearSiamese(2, identityInit: true);
        Assert.Equal(PairwiseInput.Embeddings, linear.Input);
    }
}
