using Oml.Metrics.Functional;
using Oml.Retrieval;
using static Oml.Metrics.Functional.RetrievalMetricFunctions;

namespace Oml.Tests.Metrics;

/// <summary>OML's cmc / precision / map (golden cases T1-T7, T12, T13 in docs/oml-golden-cases.md) and map@R / R-precision.</summary>
public sealed class RetrievalMetricFunctionsTests
{
    private const double Tolerance = 1e-9;

    private static bool[] Hits(params int[] flags) => Array.ConvertAll(flags, f => f == 1);

    private static double[] Each(bool[][] hits, int[] gtCounts, Func<bool[], int, double> metric) =>
        hits.Select((h, q) => metric(h, gtCounts[q])).ToArray();

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < Tolerance, $"query {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void T1_CmcDocstring()
    {
        bool[][] hits = [Hits(1, 0), Hits(0, 1, 1), Hits(0, 0), Hits()];
        int[] gt = [2, 2, 1, 0];
        AssertClose([1, 0, 0, 1], Each(hits, gt, (h, n) => Cmc(h, n, 1)));
        AssertClose([1, 1, 0, 1], Each(hits, gt, (h, n) => Cmc(h, n, 2)));
    }

    [Fact]
    public void T2_PrecisionDocstring()
    {
        bool[][] hits = [Hits(1, 0), Hits(0, 1, 1), Hits(0, 0), Hits()];
        int[] gt = [2, 3, 5, 2];
        AssertClose([1, 0, 0, 0], Each(hits, gt, (h, n) => Precision(h, n, 1)));
        AssertClose([0.5, 0.5, 0, 0], Each(hits, gt, (h, n) => Precision(h, n, 2)));
    }

    [Fact]
    public void T3_MapDocstring()
    {
        bool[][] hits = [Hits(1, 0), Hits(0, 1), Hits(0, 0, 0, 0), Hits()];
        int[] gt = [1, 1, 2, 0];
        AssertClose([1, 0, 0, 1], Each(hits, gt, (h, n) => Map(h, n, 1)));
        AssertClose([1, 0.5, 0, 1], Each(hits, gt, (h, n) => Map(h, n, 2)));
    }

    private static readonly bool[][] SixQueryHits =
    [
        Hits(1, 1, 0, 1, 0), Hits(1, 0, 0, 1, 1), Hits(0, 1, 1, 0, 1),
        Hits(0, 0, 1, 1, 1), Hits(1, 0, 0, 0, 0), Hits(0, 0, 0, 1, 0),
    ];

    private static readonly int[] SixQueryGroundTruth = [3, 3, 3, 3, 1, 1];

    public static TheoryData<int, double[], double[], double[]> SixQueryTable => new()
    {
        { 1, [1, 1, 0, 0, 1, 0], [1, 1, 0, 0, 1, 0], [1, 1, 0, 0, 1, 0] },
        { 2, [1, 1, 1, 0, 1, 0], [1, .5, .5, 0, 1, 0], [1, 1, 1 / 2.0, 0, 1, 0] },
        { 3, [1, 1, 1, 1, 1, 0], [2 / 3.0, 1 / 3.0, 2 / 3.0, 1 / 3.0, 1, 0], [1, 1, 7 / 12.0, 1 / 3.0, 1, 0] },
        { 4, [1, 1, 1, 1, 1, 1], [1, 2 / 3.0, 2 / 3.0, 2 / 3.0, 1, 1], [11 / 12.0, 3 / 4.0, 7 / 12.0, 5 / 12.0, 1, 1 / 4.0] },
        { 5, [1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1], [11 / 12.0, 21 / 30.0, 53 / 90.0, 43 / 90.0, 1, 1 / 4.0] },
        { 10, [1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1], [11 / 12.0, 21 / 30.0, 53 / 90.0, 43 / 90.0, 1, 1 / 4.0] },
    };

    [Theory]
    [MemberData(nameof(SixQueryTable))]
    public void T4_SixQueryExactCase(int k, double[] cmc, double[] precision, double[] map)
    {
        AssertClose(cmc, Each(SixQueryHits, SixQueryGroundTruth, (h, n) => Cmc(h, n, k)));
        AssertClose(precision, Each(SixQueryHits, SixQueryGroundTruth, (h, n) => Precision(h, n, k)));
        AssertClose(map, Each(SixQueryHits, SixQueryGroundTruth, (h, n) => Map(h, n, k)));
        Assert.Equal(precision.Average(), MeanOverQueries(SixQueryHits, SixQueryGroundTruth, (h, n) => Precision(h, n, k)), Tolerance);
    }

    [Fact]
    public void T5_CategoryMeansAverageOnlyTheirQueries()
    {
        int[][] retrieved = [[0, 5, 4], [2, 1, 5], [2, 1, 5]];
        int[][] groundTruth = [[0, 4, 10], [2, 3], [2, 3]];
        string[] categories = ["cat", "dog", "dog"];
        var results = new RetrievalResults(retrieved, retrieved.Select(r => new float[] { 1, 2, 3 }).ToArray(), groundTruth, [0, 1, 2], Enumerable.Range(0, 11).ToArray());
        int[] Of(string category) => Enumerable.Range(0, 3).Where(q => categories[q] == category).ToArray();

        Assert.Equal(1.0, MeanOverQueries(results, (h, n) => Cmc(h, n, 1)), Tolerance);
        foreach (var k in new[] { 3, 5 })
        {
            Assert.Equal((2 / 3.0 + 0.5 + 0.5) / 3, MeanOverQueries(results, (h, n) => Precision(h, n, k)), Tolerance);
            Assert.Equal(2 / 3.0, MeanOverQueries(results, (h, n) => Precision(h, n, k), Of("cat")), Tolerance);
            Assert.Equal(0.5, MeanOverQueries(results, (h, n) => Precision(h, n, k), Of("dog")), Tolerance);
        }
        Assert.Equal(0.9444444444, MeanOverQueries(results, (h, n) => Map(h, n, 3)), 1e-9);
        Assert.Equal(0.8333333333, MeanOverQueries(results, (h, n) => Map(h, n, 3), Of("cat")), 1e-9);
        Assert.Equal(1.0, MeanOverQueries(results, (h, n) => Map(h, n, 3), Of("dog")), Tolerance);
    }

    [Fact]
    public void T6_EmptyPredictions()
    {
        bool[][] hits = [Hits(), Hits(), Hits()];
        int[] gt = [1, 0, 2];
        AssertClose([0, 1, 0], Each(hits, gt, (h, n) => Cmc(h, n, 3)));
        AssertClose([0, 1, 0], Each(hits, gt, (h, n) => Precision(h, n, 2)));
        AssertClose([0, 1, 0], Each(hits, gt, (h, n) => Map(h, n, 1)));
        // a query with neither ground truth nor retrieved items is scored (1), as in OML
        Assert.Equal(1 / 3.0, MeanOverQueries(hits, gt, (h, n) => Cmc(h, n, 3)), Tolerance);
    }

    [Fact]
    public void T7_QueryWithoutGroundTruthButRetrievedItemsIsLeftOutOfTheMean()
    {
        // Per query (if called anyway): OML's cmc 0, map 0; precision NaN.
        var noGroundTruth = Hits(0, 0, 0);
        Assert.False(HasGroundTruth(0));
        Assert.False(IsScored(noGroundTruth.Length, 0));
        Assert.Equal(0.0, Cmc(noGroundTruth, 0, 1));
        Assert.Equal(0.0, Map(noGroundTruth, 0, 3));
        Assert.True(double.IsNaN(Precision(noGroundTruth, 0, 3)));

        // End to end: labels [0,0,1,5], every row a query, rows 0-2 galleries, 1-d embeddings [0,1,5,7].
        // Queries 2 and 3 have no ground truth. OML: cmc@1 0.5, precision@1 NaN, map@1 0.5; here they are left out.
        var results = new RetrievalResults(
            retrieved: [[1, 2], [0, 2], [1, 0], [2, 1, 0]],
            distances: [[1, 5], [1, 4], [4, 5], [2, 6, 7]],
            groundTruth: [[1], [0], [], []],
            queryRows: [0, 1, 2, 3],
            galleryRows: [0, 1, 2]);
        Assert.Equal(2, results.QueriesWithoutGroundTruth);
        Assert.Equal(1.0, MeanOverQueries(results, (h, n) => Cmc(h, n, 1)));
        Assert.Equal(1.0, MeanOverQueries(results, (h, n) => Precision(h, n, 1)));
        Assert.Equal(1.0, MeanOverQueries(results, (h, n) => Map(h, n, 1)));
        var hits = Enumerable.Range(0, 4).Select(results.Hits).ToArray();
        int[] counts = [1, 1, 0, 0];
        Assert.Equal(2, CountUnscored(hits, counts));
        var perQuery = PerQuery(hits, counts, (h, n) => Precision(h, n, 1));
        Assert.Equal([1.0, 1.0], perQuery[..2]);
        Assert.True(double.IsNaN(perQuery[2]) && double.IsNaN(perQuery[3]));
        // a category made only of such queries has no score
        Assert.True(double.IsNaN(MeanOverQueries(results, (h, n) => Cmc(h, n, 1), [2, 3])));
    }

    /// <summary>Hits of each query when retrieval ranks every allowed gallery item by distance (stable on ties).</summary>
    private static (bool[][] Hits, int[] GroundTruthCounts) RankAll(double[][] distances, bool[][] isGroundTruth, bool[][]? allowed = null)
    {
        var hits = new bool[distances.Length][];
        var counts = new int[distances.Length];
        for (var q = 0; q < distances.Length; q++)
        {
            var candidates = Enumerable.Range(0, distances[q].Length).Where(g => allowed?[q][g] ?? true).ToArray();
            hits[q] = candidates.OrderBy(g => distances[q][g]).Select(g => isGroundTruth[q][g]).ToArray();
            counts[q] = candidates.Count(g => isGroundTruth[q][g]);
        }
        return (hits, counts);
    }

    private static bool[][] Mask(params int[][] rows) => rows.Select(r => Hits(r)).ToArray();

    [Theory]
    [InlineData(new[] { 1.0, 2, 2, 1 }, new[] { 0, 1, 1, 0 }, 2, 1, 0.0)]
    [InlineData(new[] { 0, .5, 0, .5 }, new[] { 0, 1, 1, 0 }, 2, 1, 0.5)]
    [InlineData(new[] { 0, .5, 0, .5 }, new[] { 0, 1, 1, 0 }, 2, 2, 1.0)]
    [InlineData(new[] { 1, .5, .2, 2, 3, 4, .4, 3, 4 }, new[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, 3, 2, 1 / 3.0)]
    [InlineData(new[] { 1, .5, .2, 2, 3, 4, .4, 3, 4 }, new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1 }, 3, 1, 1.0)]
    public void T12_CmcOnRawMatrices(double[] flatDistances, int[] flatMask, int size, int k, double expected)
    {
        var distances = flatDistances.Chunk(size).ToArray();
        var mask = flatMask.Chunk(size).Select(r => Hits(r)).ToArray();
        var (hits, counts) = RankAll(distances, mask);
        Assert.Equal(expected, MeanOverQueries(hits, counts, (h, n) => Cmc(h, n, k)), Tolerance);
    }

    private static double[][] EuclideanDistances(double[][] queries, double[][] gallery) =>
        queries.Select(q => gallery.Select(g => Math.Sqrt(q.Zip(g, (a, b) => (a - b) * (a - b)).Sum())).ToArray()).ToArray();

    /// <summary>
    /// OML's masked CMC counts a query whose ground truth is all masked out as 0 (the plain mean of per-query
    /// <see cref="Cmc"/>); our mean leaves such queries out, and every remaining query of these cases is a hit.
    /// </summary>
    private static void AssertOmlMaskedCmcAndScoredMean(bool[][] hits, int[] counts, double omlValue)
    {
        Assert.Equal(omlValue, hits.Select((h, q) => Cmc(h, counts[q], 1)).Average(), Tolerance);
        Assert.True(CountUnscored(hits, counts) > 0);
        Assert.Equal(1.0, MeanOverQueries(hits, counts, (h, n) => Cmc(h, n, 1)), Tolerance);
    }

    [Fact]
    public void T13_MaskedCmcCase1()
    {
        double[][] queries = [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 1], [0, 0, 1, 1]];
        double[][] gallery = [[1, 1, 1, 0], [1, 1, 1, 1], [0, 1, 1, 0]];
        var groundTruth = Mask([1, 0, 0], [1, 0, 0], [0, 1, 1], [0, 1, 1]);
        var allowed = Mask([0, 1, 1], [1, 1, 1], [1, 0, 1], [1, 1, 1]);
        var (hits, counts) = RankAll(EuclideanDistances(queries, gallery), groundTruth, allowed);
        AssertOmlMaskedCmcAndScoredMean(hits, counts, omlValue: 0.75);
    }

    [Fact]
    public void T13_MaskedCmcCase2()
    {
        double[][] queries = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]];
        double[][] gallery = [[0, 1, 0], [0, 0, 1], [1, 0, 1]];
        var groundTruth = Mask([0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]);
        var allowed = Mask([1, 1, 1], [0, 1, 1], [1, 0, 1], [1, 1, 0]);
        var (hits, counts) = RankAll(EuclideanDistances(queries, gallery), groundTruth, allowed);
        AssertOmlMaskedCmcAndScoredMean(hits, counts, omlValue: 0.25);
    }

    [Theory]
    // hits at ranks 1 and 3 of 3 ground truth: (1/1 + 2/3) / 3
    [InlineData(new[] { 1, 0, 1, 0 }, 3, (1 + 2 / 3.0) / 3, 2 / 3.0)]
    // only the first R = 2 ranks count; the hit at rank 3 is beyond R
    [InlineData(new[] { 0, 1, 1 }, 2, (1 / 2.0) / 2, 1 / 2.0)]
    // fewer retrieved than R: the missing ground truth counts as missed
    [InlineData(new[] { 1 }, 2, 1 / 2.0, 1 / 2.0)]
    [InlineData(new[] { 0, 1 }, 1, 0.0, 0.0)]
    [InlineData(new[] { 1, 1, 1 }, 3, 1.0, 1.0)]
    [InlineData(new int[0], 2, 0.0, 0.0)]
    [InlineData(new int[0], 0, 1.0, 1.0)]
    public void MapAtRAndRPrecisionHandCases(int[] hitFlags, int groundTruthCount, double mapAtR, double rPrecision)
    {
        Assert.Equal(mapAtR, MapAtR(Hits(hitFlags), groundTruthCount), Tolerance);
        Assert.Equal(rPrecision, RPrecision(Hits(hitFlags), groundTruthCount), Tolerance);
    }

    [Fact]
    public void MapAtRDiffersFromOmlMapWhichDividesByTheHitsInTheTopK()
    {
        // one hit at rank 1 of 3 ground truth items: OML map@5 = 1, map@R = 1/3
        var hits = Hits(1, 0, 0, 0, 0);
        Assert.Equal(1.0, Map(hits, 3, 5));
        Assert.Equal(1 / 3.0, MapAtR(hits, 3), Tolerance);
        // a single hit at rank 4: OML map@4 = 0.25
        Assert.Equal(0.25, Map(Hits(0, 0, 0, 1), 1, 4));
        Assert.True(double.IsNaN(MapAtR(Hits(0, 1), 0)));
        Assert.True(double.IsNaN(RPrecision(Hits(0, 1), 0)));
    }

    [Theory]
    [InlineData(new int[0], "[]")]
    [InlineData(new[] { 0, -1 }, "[0, -1]")]
    [InlineData(new[] { 0 }, "[0]")]
    public void TopKListsMustBeNonEmptyPositiveIntegers(int[] topK, string shown)
    {
        var error = Assert.Throws<OmlException>(() => ValidateTopK(topK, "metric_args.cmc_top_k"));
        Assert.Contains("metric_args.cmc_top_k", error.Message);
        Assert.Contains("positive integers", error.Message);
        Assert.Contains(shown, error.Message);
        ValidateTopK([1, 5], "metric_args.cmc_top_k");
    }
}
