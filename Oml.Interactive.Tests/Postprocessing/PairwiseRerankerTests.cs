using Oml.Metrics.Functional;
using Oml.Postprocessing;
using Oml.Retrieval;

namespace Oml.Tests.Postprocessing;

/// <summary>Pairwise re-ranking with the siamese development models (OML's test_pairwise_postprocessing.py).</summary>
public sealed class PairwiseRerankerTests
{
    private const int Dimension = 8;
    private static readonly float[][] Points = BruteForceRetrieval.RandomPoints(30, Dimension, seed: 3);
    private static readonly int[] Labels = Enumerable.Range(0, 30).Select(i => i % 4).ToArray();
    private static readonly int[] QueryRows = Enumerable.Range(0, 10).ToArray();
    private static readonly int[] GalleryRows = Enumerable.Range(5, 25).ToArray(); // rows 5-9 are both

    private static RetrievalResults Retrieve(int topN = 12) => BruteForceRetrieval.Retrieve(Points, Labels, QueryRows, GalleryRows, topN);

    [Theory]
    [InlineData(0f)]
    [InlineData(0.5f)]
    [InlineData(-0.3f)]
    [InlineData(100f)]
    public void IdentityLinearSiameseKeepsTheOrderForAnyBias(float bias)
    {
        using var scope = NewDisposeScope();
        var results = Retrieve();
        using var model = new LinearSiamese(Dimension, identityInit: true, outputBias: bias);
        var reranked = new PairwiseReranker(5, model, batchSize: 7).Process(results, new PostprocessingInputs(BruteForceRetrieval.ToTensor(Points)));
        Assert.Equal(results.Retrieved, reranked.Retrieved);
        if (bias == 0)
        {
            for (var q = 0; q < results.QueryCount; q++)
            {
                for (var i = 0; i < results.Distances[q].Length; i++) Assert.Equal(results.Distances[q][i], reranked.Distances[q][i], 1e-5f);
            }
        }
    }

    [Fact]
    public void TrivialDistanceSiameseGivesTheDistancePlusBias()
    {
        using var scope = NewDisposeScope();
        var results = Retrieve();
        var reranked = new PairwiseReranker(3, new TrivialDistanceSiamese(outputBias: -0.01f), batchSize: 4)
            .Process(results, new PostprocessingInputs(BruteForceRetrieval.ToTensor(Points)));
        Assert.Equal(results.Retrieved, reranked.Retrieved);
        for (var q = 0; q < results.QueryCount; q++)
        {
            for (var i = 0; i < 3; i++) Assert.Equal(results.Distances[q][i] - 0.01f, reranked.Distances[q][i], 1e-5f);
            Assert.Equal(results.Distances[q][3..], reranked.Distances[q][3..]);
        }
    }

    [Fact]
    public void RandomModelOnlyPermutesTheTopAndKeepsCmcAndPrecisionAtTopN()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(7);
        var results = Retrieve();
        using var model = new LinearSiamese(Dimension, identityInit: false, outputBias: 2f);
        const int topN = 4;
        var reranked = new PairwiseReranker(topN, model, batchSize: 5).Process(results, new PostprocessingInputs(BruteForceRetrieval.ToTensor(Points)));

        var changed = 0;
        for (var q = 0; q < results.QueryCount; q++)
        {
            Assert.Equal(results.Retrieved[q].Length, reranked.Retrieved[q].Length);
            Assert.Equal(results.Retrieved[q][..topN].Order(), reranked.Retrieved[q][..topN].Order());
            Assert.Equal(results.Retrieved[q][topN..], reranked.Retrieved[q][topN..]);
            Assert.Equal(results.Distances[q][topN..], reranked.Distances[q][topN..]);
            Assert.True(reranked.Distances[q][topN - 1] < reranked.Distances[q][topN]);
            changed += results.Retrieved[q].SequenceEqual(reranked.Retrieved[q]) ? 0 : 1;
        }
        Assert.True(changed > 0, "a random model should change some order");
        foreach (QueryMetric metric in new QueryMetric[] { (h, n) => RetrievalMetricFunctions.Cmc(h, n, topN), (h, n) => RetrievalMetricFunctions.Precision(h, n, topN) })
        {
            Assert.Equal(RetrievalMetricFunctions.MeanOverQueries(results, metric), RetrievalMetricFunctions.MeanOverQueries(reranked, metric), 1e-12);
        }
    }

    [Fact]
    public void BatchSizeDoesNotChangeTheResultAndTheModelModeIsRestored()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(8);
        var results = Retrieve();
        using var model = new LinearSiamese(Dimension, identityInit: false);
        model.train();
        var inputs = new PostprocessingInputs(BruteForceRetrieval.ToTensor(Points));
        var one = new PairwiseReranker(6, model, batchSize: 1).Process(results, inputs);
        var many = new PairwiseReranker(6, model, batchSize: 1000).Process(results, inputs);
        Assert.Equal(one.Retrieved, many.Retrieved);
        // batched matrix products may round differently in the last bit
        for (var q = 0; q < one.QueryCount; q++)
        {
            for (var i = 0; i < one.Distances[q].Length; i++) Assert.Equal(one.Distances[q][i], many.Distances[q][i], 1e-6f);
        }
        Assert.True(model.training);
    }

    [Fact]
    public void ShortListsAreRerankedWhole()
    {
        using var scope = NewDisposeScope();
        var results = Retrieve(topN: 2);
        var reranked = new PairwiseReranker(5, new TrivialDistanceSiamese(1f)).Process(results, new PostprocessingInputs(BruteForceRetrieval.ToTensor(Points)));
        Assert.Equal(results.Retrieved, reranked.Retrieved);
        Assert.All(reranked.Distances, d => Assert.Equal(2, d.Length));
    }

    [Fact]
    public void UserErrorsNameWhatIsWrong()
    {
        Assert.Contains("postprocessor.args.top_n", Assert.Throws<OmlException>(() => new PairwiseReranker(1, new TrivialDistanceSiamese())).Message);
        Assert.Contains("postprocessor.args.batch_size", Assert.Throws<OmlException>(() => new PairwiseReranker(3, new TrivialDistanceSiamese(), 0)).Message);
        Assert.Contains("feat_dim", Assert.Throws<OmlException>(() => new LinearSiamese(0, true)).Message);
        var missing = Assert.Throws<OmlException>(() => new PairwiseReranker(3, new TrivialDistanceSiamese()).Process(Retrieve(), PostprocessingInputs.None));
        Assert.Contains("embeddings", missing.Message);
        using var scope = NewDisposeScope();
        var tooFew = new PostprocessingInputs(BruteForceRetrieval.ToTensor(Points[..10]));
        Assert.Contains("dataset row 29", Assert.Throws<OmlException>(() => new PairwiseReranker(3, new TrivialDistanceSiamese()).Process(Retrieve(), tooFew)).Message);
    }
}
