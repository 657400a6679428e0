using Oml.Metrics;
using Oml.Metrics.Functional;
using Oml.Retrieval;

namespace Oml.Tests.Metrics;

/// <summary>The streaming FNMR@FMR must equal the exact definition on the very same distances.</summary>
public sealed class StreamingFnmrAtFmrTests
{
    /// <summary>Stores every distance the search computes: the exact reference, built from identical floats.</summary>
    private sealed class AllDistances(int queries, int galleries) : IDistanceObserver
    {
        public readonly float[,] Values = new float[queries, galleries];

        public void Observe(int query, int galleryStart, ReadOnlySpan<float> distances)
        {
            for (var i = 0; i < distances.Length; i++) Values[query, galleryStart + i] = distances[i];
        }
    }

    private static (Tensor Embeddings, RetrievalSetup Setup) RandomSet(int rows, int classes, int dim, int seed, bool sequences)
    {
        var rng = new Random(seed);
        var labels = Enumerable.Range(0, rows).Select(_ => (long)rng.Next(classes)).ToArray();
        var isQuery = Enumerable.Range(0, rows).Select(i => i % 5 != 0).ToArray();
        var isGallery = Enumerable.Range(0, rows).Select(i => i % 7 != 3).ToArray();
        var sequence = sequences ? Enumerable.Range(0, rows).Select(_ => rng.Next(-1, rows / 4)).ToArray() : null;
        manual_seed(seed);
        var centres = randn(classes, dim);
        var x = centres.index_select(0, tensor(labels)) + 0.8f * randn(rows, dim);
        return (x, new RetrievalSetup(labels, isQuery, isGallery, sequence));
    }

    private static double[] Exact(Tensor x, RetrievalSetup setup, int[][] groundTruth, IReadOnlyList<double> fmr, DistanceKind distance)
    {
        var all = new AllDistances(setup.QueryRows.Length, setup.GalleryRows.Length);
        var q = x.index_select(0, tensor(setup.QueryRows.Select(r => (long)r).ToArray()));
        var g = x.index_select(0, tensor(setup.GalleryRows.Select(r => (long)r).ToArray()));
        ExactKnn.Search(q, g, 1, distance, setup.Exclusions, observer: all);
        var positives = new List<float>();
        var negatives = new List<float>();
        for (var qi = 0; qi < setup.QueryRows.Length; qi++)
        for (var gi = 0; gi < setup.GalleryRows.Length; gi++)
        {
            if (setup.Exclusions.IsExcluded(qi, gi)) continue;
            if (Array.BinarySearch(groundTruth[qi], gi) >= 0) positives.Add(all.Values[qi, gi]);
            else negatives.Add(all.Values[qi, gi]);
        }
        negatives.Sort();
        return FnmrFunctions.FnmrAtFmr(positives.ToArray(), negatives.ToArray(), fmr);
    }

    private static double[] Streaming(Tensor x, RetrievalSetup setup, int[][] groundTruth, IReadOnlyList<double> fmr, DistanceKind distance,
        int sampleSize, long storeAllBelow, double z, out int passes)
    {
        var fnmr = new StreamingFnmrAtFmr(x, setup, groundTruth, distance, fmr, seed: 1, sampleSize, storeAllBelow, z);
        var q = x.index_select(0, tensor(setup.QueryRows.Select(r => (long)r).ToArray()));
        var g = x.index_select(0, tensor(setup.GalleryRows.Select(r => (long)r).ToArray()));
        passes = 0;
        do
        {
            passes++;
            ExactKnn.Search(q, g, 3, distance, setup.Exclusions, new KnnOptions { QueryChunk = 37, GalleryChunk = 53 }, fnmr);
        }
        while (!fnmr.CompletePass());
        return fnmr.Results().ToArray();
    }

    [Theory]
    [InlineData(DistanceKind.Euclidean, false)]
    [InlineData(DistanceKind.Euclidean, true)]
    [InlineData(DistanceKind.SquaredEuclidean, true)]
    [InlineData(DistanceKind.Cosine, false)]
    public void EqualsTheExactDefinitionWithBrackets(DistanceKind distance, bool sequences)
    {
        using var scope = NewDisposeScope();
        var (x, setup) = RandomSet(400, 12, 8, seed: 5, sequences);
        var gt = setup.GroundTruth();
        double[] fmr = [0, 0.001, 0.01, 0.1, 0.37, 0.5, 1];
        var exact = Exact(x, setup, gt, fmr, distance);
        var streamed = Streaming(x, setup, gt, fmr, distance, sampleSize: 5000, storeAllBelow: 1000, z: 5, out _);
        Assert.Equal(exact, streamed);
    }

    [Fact]
    public void StoringEverythingForSmallSetsIsExactToo()
    {
        using var scope = NewDisposeScope();
        var (x, setup) = RandomSet(150, 6, 4, seed: 9, sequences: true);
        var gt = setup.GroundTruth();
        double[] fmr = [0.05, 0.2];
        Assert.Equal(Exact(x, setup, gt, fmr, DistanceKind.Euclidean), Streaming(x, setup, gt, fmr, DistanceKind.Euclidean, 0, long.MaxValue, 5, out var passes));
        Assert.Equal(1, passes);
    }

    [Fact]
    public void ABracketThatMissesTakesAnotherPassAndStaysExact()
    {
        using var scope = NewDisposeScope();
        var (x, setup) = RandomSet(300, 10, 6, seed: 13, sequences: false);
        var gt = setup.GroundTruth();
        double[] fmr = [0.02, 0.3];
        // a sample as large as the population (drawn with replacement) but almost no slack: the first brackets span a few
        // ranks around the sample quantile, which is tens of ranks away from the exact one
        var streamed = Streaming(x, setup, gt, fmr, DistanceKind.Euclidean, sampleSize: 100_000, storeAllBelow: 100, z: 0.01, out var passes);
        Assert.True(passes > 1);
        Assert.Equal(Exact(x, setup, gt, fmr, DistanceKind.Euclidean), streamed);
    }
}
