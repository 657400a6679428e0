using Oml.Metrics.Functional;
using Oml.Postprocessing;
using Oml.Retrieval;

namespace Oml.Tests.Postprocessing;

/// <summary>k-reciprocal re-ranking against a dense transcription of the reference code, and on a known example.</summary>
public sealed class KReciprocalRerankerTests
{
    private static RetrievalResults Rerank(KReciprocalReranker reranker, RetrievalResults results, float[][] points)
    {
        using var scope = NewDisposeScope();
        return reranker.Process(results, new PostprocessingInputs(BruteForceRetrieval.ToTensor(points)));
    }

    [Theory]
    [InlineData(12, 48, 20, 6, 0.3, 7)]
    [InlineData(10, 30, 5, 3, 0.3, 8)]
    [InlineData(8, 25, 4, 1, 0.5, 9)]
    [InlineData(8, 25, 7, 8, 0.0, 10)]
    public void EqualsTheDenseReferenceWhenEveryGalleryItemIsReranked(int probeCount, int galleryCount, int k1, int k2, double lambda, int seed)
    {
        var points = BruteForceRetrieval.RandomPoints(probeCount + galleryCount, 6, seed);
        var labels = Enumerable.Range(0, points.Length).Select(i => i % 3).ToArray();
        int[] probes = [.. Enumerable.Range(0, probeCount)];
        int[] gallery = [.. Enumerable.Range(probeCount, galleryCount)];
        var results = BruteForceRetrieval.Retrieve(points, labels, probes, gallery, galleryCount);

        var reranked = Rerank(new KReciprocalReranker(new BruteForceNeighbourSource(), galleryCount, k1, k2, lambda), results, points);
        var expected = DenseKReciprocalReference.Rerank(points, probeCount, k1, k2, lambda);

        for (var q = 0; q < probeCount; q++)
        {
            // equal final distances (e.g. Jaccard 1 with lambda 0) keep the original order
            var originalRank = results.Retrieved[q];
            var expectedOrder = originalRank.OrderBy(g => expected[q, g]).ToArray();
            Assert.Equal(expectedOrder, reranked.Retrieved[q]);
            for (var i = 0; i < galleryCount; i++) Assert.Equal(expected[q, expectedOrder[i]], reranked.Distances[q][i], 1e-5);
        }
    }

    [Fact]
    public void OnlyTheTopNAreReorderedAndListsKeepTheirLength()
    {
        const int probeCount = 10, galleryCount = 40, topN = 8;
        var points = BruteForceRetrieval.RandomPoints(probeCount + galleryCount, 5, seed: 11);
        var labels = Enumerable.Range(0, points.Length).Select(i => i % 4).ToArray();
        int[] probes = [.. Enumerable.Range(0, probeCount)];
        int[] gallery = [.. Enumerable.Range(probeCount, galleryCount)];
        var results = BruteForceRetrieval.Retrieve(points, labels, probes, gallery, 20);

        var reranked = Rerank(new KReciprocalReranker(new BruteForceNeighbourSource(), topN, k1: 6, k2: 3), results, points);
        var expected = DenseKReciprocalReference.Rerank(points, probeCount, 6, 3, 0.3);
        for (var q = 0; q < probeCount; q++)
        {
            Assert.Equal(20, reranked.Retrieved[q].Length);
            var top = results.Retrieved[q][..topN];
            Assert.Equal(top.OrderBy(g => expected[q, g]), reranked.Retrieved[q][..topN]);
            Assert.Equal(results.Retrieved[q][topN..], reranked.Retrieved[q][topN..]);
            Assert.Equal(results.Distances[q][topN..], reranked.Distances[q][topN..]);
        }
    }

    [Fact]
    public void LambdaOneKeepsTheOriginalOrder()
    {
        var points = BruteForceRetrieval.RandomPoints(30, 4, seed: 12);
        var labels = new int[30];
        var results = BruteForceRetrieval.Retrieve(points, labels, [.. Enumerable.Range(0, 30)], [.. Enumerable.Range(0, 30)], 10);
        var reranked = Rerank(new KReciprocalReranker(new BruteForceNeighbourSource(), 10, k1: 5, k2: 2, lambda: 1), results, points);
        Assert.Equal(results.Retrieved, reranked.Retrieved);
    }

    /// <summary>
    /// The query (label 0, at the origin) is nearest to the edge item of a tight cluster of label 1, whose own nearest
    /// neighbours are all in that cluster; the three label-0 items are a little farther but have the query among their
    /// nearest. Re-ranking puts a label-0 item first.
    /// </summary>
    [Fact]
    public void PromotesReciprocalNeighboursOverAConfusingNearItem()
    {
        float[][] points =
        [
            [0, 0],                                                   // query, label 0
            [0, 1.4f], [0, 1.7f], [0.2f, 1.6f], [-0.2f, 1.6f], [0, 1.9f], // label 1, the first is the confusing one
            [1.5f, 0], [-1.5f, 0], [0, -1.5f],                        // label 0
        ];
        int[] labels = [0, 1, 1, 1, 1, 1, 0, 0, 0];
        var results = BruteForceRetrieval.Retrieve(points, labels, [0], [.. Enumerable.Range(1, 8)], 8);
        Assert.Equal(0, results.Retrieved[0][0]);

        var reranked = Rerank(new KReciprocalReranker(new BruteForceNeighbourSource(), topN: 8, k1: 3, k2: 1), results, points);

        QueryMetric cmc1 = (h, n) => RetrievalMetricFunctions.Cmc(h, n, 1);
        QueryMetric map3 = (h, n) => RetrievalMetricFunctions.Map(h, n, 3);
        Assert.Equal(0.0, RetrievalMetricFunctions.MeanOverQueries(results, cmc1));
        Assert.Equal(1.0, RetrievalMetricFunctions.MeanOverQueries(reranked, cmc1));
        Assert.True(RetrievalMetricFunctions.MeanOverQueries(reranked, map3) > RetrievalMetricFunctions.MeanOverQueries(results, map3));
        Assert.Equal(8, reranked.Retrieved[0].Length);
    }

    [Fact]
    public void SharedQueryAndGalleryRowsAreOneItem()
    {
        var points = BruteForceRetrieval.RandomPoints(20, 3, seed: 13);
        var labels = Enumerable.Range(0, 20).Select(i => i % 2).ToArray();
        var results = BruteForceRetrieval.Retrieve(points, labels, [.. Enumerable.Range(0, 20)], [.. Enumerable.Range(0, 20)], 19);
        var source = new RecordingSource();
        var reranked = Rerank(new KReciprocalReranker(source, topN: 19, k1: 4, k2: 2), results, points);
        Assert.Equal(20, source.ItemCount);
        Assert.All(reranked.Retrieved, ids => Assert.Equal(19, ids.Length));
    }

    [Fact]
    public void RefusesWhenTheNeighbourListsWouldExceedTheBudget()
    {
        var points = BruteForceRetrieval.RandomPoints(50, 3, seed: 14);
        var results = BruteForceRetrieval.Retrieve(points, new int[50], [.. Enumerable.Range(0, 10)], [.. Enumerable.Range(10, 40)], 10);
        var source = new BruteForceNeighbourSource();
        var error = Assert.Throws<OmlException>(() => Rerank(new KReciprocalReranker(source, 10, k1: 20, k2: 6, maxNeighbourEntries: 500), results, points));
        Assert.Contains("max_neighbour_entries", error.Message);
        Assert.Contains("1,050 entries", error.Message); // 50 items * 21
        Assert.Contains("k1 <= 9", error.Message);
        Assert.Contains("at most 23 items", error.Message);
        Assert.Equal(0, source.Calls);
    }

    [Fact]
    public void InvalidArgumentsNameTheConfigPath()
    {
        var source = new BruteForceNeighbourSource();
        Assert.Contains("postprocessor.args.top_n", Assert.Throws<OmlException>(() => new KReciprocalReranker(source, topN: 1)).Message);
        Assert.Contains("postprocessor.args.k1", Assert.Throws<OmlException>(() => new KReciprocalReranker(source, k1: 0)).Message);
        Assert.Contains("postprocessor.args.k2", Assert.Throws<OmlException>(() => new KReciprocalReranker(source, k1: 3, k2: 5)).Message);
        Assert.Contains("postprocessor.args.lambda", Assert.Throws<OmlException>(() => new KReciprocalReranker(source, lambda: 1.5)).Message);
        Assert.Equal(100, new KReciprocalReranker(source).TopN);
    }

    private sealed class RecordingSource : INeighbourSource
    {
        private readonly BruteForceNeighbourSource inner = new();

        public int ItemCount { get; private set; }

        public (int[][] Ids, float[][] Distances) Nearest(Tensor embeddings, int k)
        {
            ItemCount = (int)embeddings.shape[0];
            return inner.Nearest(embeddings, k);
        }
    }
}
