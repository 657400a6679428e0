using Oml.Metrics;
using Oml.Postprocessing;
using Oml.Retrieval;

namespace Oml.Tests.Metrics;

/// <summary>
/// <see cref="EmbeddingMetrics.ComputeWithAndWithout"/> (one retrieval for the plain and the post-processed metrics)
/// against the two-call path (<see cref="EmbeddingMetrics.Compute(Tensor, RetrievalSetup, MetricArgs, IReadOnlyList{string?}?, KnnOptions?, IRetrievalPostprocessor?, IRowImages?)"/>
/// without, then with the postprocessor, each with its own retrieval): every value, name order and retrieved list equal.
/// </summary>
public sealed class EmbeddingMetricsWithAndWithoutTests
{
    private static readonly string[] Categories = ["shoes", "bags", "hats"];

    public static TheoryData<string, string, bool, bool> Cases() => new()
    {
        // postprocessor, distance, 1-vs-rest with sequences (else disjoint queries and galleries), coarse values (many tied distances)
        { "constant_thresholding", "euclidean", true, false },
        { "constant_thresholding", "cosine", false, false },
        { "constant_thresholding", "euclidean", true, true },
        { "k_reciprocal", "euclidean", true, false },
        { "k_reciprocal", "cosine", false, false },
        { "k_reciprocal", "squared_euclidean", true, true },
        { "adaptive_thresholding", "euclidean", false, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void OneRetrievalGivesTheSameResultsAsTwoComputations(string postprocessorName, string distance, bool oneVsRest, bool coarse)
    {
        using var scope = NewDisposeScope();
        var (embeddings, setup, categories) = RandomSet(seed: postprocessorName.Length * 31 + distance.Length, rows: 240, dim: 12, oneVsRest, coarse);
        var args = new MetricArgs
        {
            CmcTopK = [1, 3, 10], PrecisionTopK = [5], MapTopK = [5], PcfVariance = [0.5, 0.9], FmrValues = [0.1, 0.3], MapAtR = true, RPrecision = true,
            Distance = DistanceKinds.Parse(distance, "metric_args.distance"), VisualizeOnlyOverallCategory = false,
        };
        var plainOnly = EmbeddingMetrics.Compute(embeddings, setup, args, categories);
        var postprocessor = Create(postprocessorName, plainOnly);
        var postprocessedOnly = EmbeddingMetrics.Compute(embeddings, setup, args, categories, postprocessor: postprocessor);

        var (plain, postprocessed) = EmbeddingMetrics.ComputeWithAndWithout(embeddings, setup, args, categories, postprocessor: postprocessor);

        AssertSame(plainOnly, plain);
        AssertSame(postprocessedOnly, postprocessed!);
        // not vacuous: the postprocessor changed the metrics, and the plain lists are the first 10 of the longer ones it was given
        Assert.NotEqual(plain.Metrics.ToArray(), postprocessed!.Metrics.ToArray());
        Assert.Equal(10, plain.Retrieval.Retrieved.Max(r => r.Length));
    }

    [Fact]
    public void WithoutAPostprocessorThePlainResultIsCompute()
    {
        using var scope = NewDisposeScope();
        var (embeddings, setup, categories) = RandomSet(seed: 7, rows: 120, dim: 8, oneVsRest: true, coarse: false);
        var args = new MetricArgs { CmcTopK = [1, 5], FmrValues = [0.2] };

        var (plain, postprocessed) = EmbeddingMetrics.ComputeWithAndWithout(embeddings, setup, args, categories);

        Assert.Null(postprocessed);
        AssertSame(EmbeddingMetrics.Compute(embeddings, setup, args, categories), plain);
    }

    [Fact]
    public void CollectedEmbeddingsGiveTheSameAsOneCall()
    {
        using var scope = NewDisposeScope();
        var (embeddings, setup, categories) = RandomSet(seed: 11, rows: 90, dim: 6, oneVsRest: false, coarse: false);
        var args = new MetricArgs { CmcTopK = [1, 2] };
        var postprocessor = new KReciprocalReranker(new ExactNeighbourSource(), topN: 8, k1: 4, k2: 2);
        var metrics = new EmbeddingMetrics(setup, args, categories, postprocessor: postprocessor);
        metrics.Update(embeddings.narrow(0, 50, 40), Enumerable.Range(50, 40).Select(i => (long)i).ToArray());
        metrics.Update(embeddings.narrow(0, 0, 50), Enumerable.Range(0, 50).Select(i => (long)i).ToArray());

        var (plain, postprocessed) = metrics.ComputeWithAndWithout();
        var expected = EmbeddingMetrics.ComputeWithAndWithout(embeddings, setup, args, categories, postprocessor: postprocessor);

        AssertSame(expected.Plain, plain);
        AssertSame(expected.Postprocessed!, postprocessed!);
        AssertSame(EmbeddingMetrics.Compute(embeddings, setup, args, categories, postprocessor: postprocessor), metrics.Compute());
    }

    private static IRetrievalPostprocessor Create(string name, EmbeddingMetricsResult plain) => name switch
    {
        // about half of the queries keep their first item
        "constant_thresholding" => new ConstantThresholding(Median(plain.Retrieval.Distances.Where(d => d.Length > 0).Select(d => d[0]))),
        "k_reciprocal" => new KReciprocalReranker(new ExactNeighbourSource(), topN: 20, k1: 6, k2: 3),
        "adaptive_thresholding" => new AdaptiveThresholding(0.5),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static float Median(IEnumerable<float> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>Clustered random embeddings (8 rows per label), three categories; queries and galleries either all rows with sequences, or disjoint halves.</summary>
    private static (Tensor Embeddings, RetrievalSetup Setup, IReadOnlyList<string?> Categories) RandomSet(int seed, int rows, int dim, bool oneVsRest, bool coarse)
    {
        var random = new Random(seed);
        var labels = Enumerable.Range(0, rows).Select(i => (long)(i / 8)).ToArray();
        var centres = Enumerable.Range(0, rows / 8 + 1).Select(_ => Enumerable.Range(0, dim).Select(_ => Normal(random)).ToArray()).ToArray();
        var values = new float[rows * dim];
        for (var i = 0; i < rows; i++)
        {
            for (var d = 0; d < dim; d++)
            {
                var v = centres[labels[i]][d] + 1.2 * Normal(random);
                values[i * dim + d] = (float)(coarse ? Math.Round(v) : v);
            }
        }
        var isQuery = new bool[rows];
        var isGallery = new bool[rows];
        for (var i = 0; i < rows; i++)
        {
            isQuery[i] = oneVsRest || i % 2 == 0;
            isGallery[i] = oneVsRest || i % 2 == 1 || i % 7 == 0;
        }
        var sequence = oneVsRest ? Enumerable.Range(0, rows).Select(i => i % 5 == 0 ? i / 2 : -1).ToArray() : null;
        var categories = labels.Select(l => (string?)(l % 5 == 4 ? null : Categories[l % 3])).ToArray();
        return (tensor(values, [rows, dim]), new RetrievalSetup(labels, isQuery, isGallery, sequence), categories);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static void AssertSame(EmbeddingMetricsResult expected, EmbeddingMetricsResult actual)
    {
        Assert.Equal(expected.Metrics.ToArray(), actual.Metrics.ToArray());
        Assert.Equal(expected.AllMetrics.ToArray(), actual.AllMetrics.ToArray());
        Assert.Equal(expected.PerQuery.Keys, actual.PerQuery.Keys);
        foreach (var (name, values) in expected.PerQuery) Assert.Equal(values, actual.PerQuery[name]);
        Assert.Equal(expected.QueryCategories, actual.QueryCategories);
        Assert.Equal(expected.MetricsToVisualize, actual.MetricsToVisualize);
        Assert.Equal(expected.Retrieval.QueryRows, actual.Retrieval.QueryRows);
        Assert.Equal(expected.Retrieval.GalleryRows, actual.Retrieval.GalleryRows);
        Assert.Equal(expected.Retrieval.GroundTruth, actual.Retrieval.GroundTruth);
        Assert.Equal(expected.Retrieval.Retrieved, actual.Retrieval.Retrieved);
        Assert.Equal(expected.Retrieval.Distances, actual.Retrieval.Distances);
        Assert.Equal(expected.QueriesWithoutGroundTruth, actual.QueriesWithoutGroundTruth);
    }
}
