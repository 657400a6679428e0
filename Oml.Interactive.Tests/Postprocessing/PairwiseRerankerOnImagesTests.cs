using Oml.Models;
using Oml.Postprocessing;
using Oml.Retrieval;
using Oml.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Tests.Postprocessing;

/// <summary>
/// PairwiseReranker with models that compare images (OML's <c>oml/retrieval/postprocessors/pairwise.py</c> runs the
/// model on the dataset's items): rows come from <see cref="PostprocessingInputs.Images"/>, batch by batch.
/// </summary>
public sealed class PairwiseRerankerOnImagesTests
{
    private static readonly int[] QueryRows = [0, 1, 2, 3];
    private static readonly int[] GalleryRows = [2, 3, 4, 5, 6, 7]; // rows 2 and 3 are both

    [Fact]
    public void TheRetrievalExtractorAsTrivialDistanceSiameseKeepsTheOrderAndTheDistances()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var images = randn(8, 3, 32, 32);
        using var model = new TrivialDistanceSiamese(new ResnetExtractor(ModelFixtures.TinyBasic));
        model.eval();
        float[][] points;
        using (no_grad()) points = Rows(model.Backbone!.forward(images));
        var results = BruteForceRetrieval.Retrieve(points, [0, 0, 1, 1, 0, 1, 0, 1], QueryRows, GalleryRows, topN: 5);
        var rowImages = new TensorRowImages(images);

        var reranked = new PairwiseReranker(4, model, batchSize: 3).Process(results, new PostprocessingInputs(images: rowImages));

        Assert.Equal(results.Retrieved, reranked.Retrieved);
        for (var q = 0; q < results.QueryCount; q++)
        {
            for (var i = 0; i < 4; i++) Assert.Equal(results.Distances[q][i], reranked.Distances[q][i], 1e-4f);
            Assert.Equal(results.Distances[q][4..], reranked.Distances[q][4..]);
        }
        // 16 pairs in batches of 3: each batch loads its distinct rows once (at most 6 per batch)
        Assert.Equal(6, rowImages.Calls);
        Assert.InRange(rowImages.RowsLoaded, 1, 16 * 2 - 1);
    }

    [Fact]
    public void AModelOnImagesReordersTheTopWhereItSaysSo()
    {
        using var scope = NewDisposeScope();
        // embeddings put gallery rows 1, 2, 3, 4 at distances 1, 2, 3, 4 from query row 0; the images say the reverse
        float[][] points = [[0], [1], [2], [3], [4]];
        var results = BruteForceRetrieval.Retrieve(points, [0, 0, 0, 0, 0], [0], [1, 2, 3, 4], topN: 4);
        Assert.Equal([0, 1, 2, 3], results.Retrieved[0]);
        var images = stack(new[] { 0f, 4f, 3f, 2f, 1f }.Select(v => full(3, 8, 8, v)).ToArray());
        var model = new MeanPixelDistance();

        var reranked = new PairwiseReranker(3, model, batchSize: 2).Process(results, new PostprocessingInputs(images: new TensorRowImages(images)));

        // the first three (rows 1, 2, 3: image distances 4, 3, 2) are reversed; row 4 stays last
        Assert.Equal([2, 1, 0, 3], reranked.Retrieved[0]);
        Assert.True(reranked.Distances[0].Zip(reranked.Distances[0].Skip(1)).All(p => p.First <= p.Second));
        Assert.Equal(4f, reranked.Distances[0][3]);
        Assert.Equal(3, model.Pairs);
    }

    [Fact]
    public void ConcatSiameseOrdersTheTopByItsPredictionsForAnyBatchSize()
    {
        using var scope = NewDisposeScope();
        var images = cat([PairwiseFixtures.Images("x1"), PairwiseFixtures.Images("x2")], 0); // 8 rows
        using var model = PairwiseFixtures.TinyConcatSiamese(useTta: true);
        model.LoadWeights(PairwiseFixtures.Checkpoint);
        model.train();
        var points = BruteForceRetrieval.RandomPoints(8, 4, seed: 5);
        var results = BruteForceRetrieval.Retrieve(points, [0, 1, 0, 1, 0, 1, 0, 1], QueryRows, GalleryRows, topN: 6);
        var inputs = new PostprocessingInputs(BruteForceRetrieval.ToTensor(points), new TensorRowImages(images));

        var one = new PairwiseReranker(5, model, batchSize: 1).Process(results, inputs);
        var many = new PairwiseReranker(5, model, batchSize: 64).Process(results, inputs);

        Assert.True(model.training); // the mode is restored
        Assert.Equal(one.Retrieved, many.Retrieved);
        model.eval();
        var changed = 0;
        for (var q = 0; q < results.QueryCount; q++)
        {
            var top = results.Retrieved[q][..5];
            float[] scores;
            using (no_grad())
            {
                var x1 = images[QueryRows[q]].unsqueeze(0).expand(5, -1, -1, -1);
                var x2 = images.index_select(0, tensor(top.Select(g => (long)GalleryRows[g]).ToArray()));
                scores = model.Predict(x1, x2).data<float>().ToArray();
            }
            var expected = top.Zip(scores).OrderBy(p => p.Second).Select(p => p.First).ToArray();
            Assert.Equal(expected, one.Retrieved[q][..5]);
            Assert.Equal(results.Retrieved[q][5..], one.Retrieved[q][5..]);
            changed += expected.SequenceEqual(top) ? 0 : 1;
        }
        Assert.True(changed > 0, "the model's scores should reorder some query");
    }

    [Fact]
    public void MissingImagesAreAUserErrorSayingWhy()
    {
        using var scope = NewDisposeScope();
        var points = BruteForceRetrieval.RandomPoints(8, 4, seed: 6);
        var results = BruteForceRetrieval.Retrieve(points, [0, 1, 0, 1, 0, 1, 0, 1], QueryRows, GalleryRows, topN: 4);
        var reranker = new PairwiseReranker(3, new MeanPixelDistance());

        var missing = Assert.Throws<OmlException>(() => reranker.Process(results, new PostprocessingInputs(BruteForceRetrieval.ToTensor(points))));
        Assert.Contains("compares the images of the query and the gallery item, but no images were given", missing.Message);
        Assert.Contains("oml evaluate has only embeddings", missing.Message);

        var tooFew = new PostprocessingInputs(images: new TensorRowImages(zeros(5, 3, 4, 4)));
        Assert.Contains("dataset row 7, but there are only 5 images", Assert.Throws<OmlException>(() => reranker.Process(results, tooFew)).Message);
    }

    private static float[][] Rows(Tensor x) => x.data<float>().ToArray().Chunk((int)x.shape[1]).ToArray();

    /// <summary>Scores a pair of images by the difference of their mean pixel values; counts the pairs it saw.</summary>
    private sealed class MeanPixelDistance : IPairwiseModel
    {
        public int Pairs { get; private set; }

        public PairwiseInput Input => PairwiseInput.Images;

        public Tensor Predict(Tensor x1, Tensor x2)
        {
            Assert.Equal(4, x1.dim());
            Pairs += (int)x1.shape[0];
            return (x1.mean([1, 2, 3]) - x2.mean([1, 2, 3])).abs();
        }
    }
}
