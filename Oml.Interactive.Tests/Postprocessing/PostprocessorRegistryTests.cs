using Oml.Metrics;
using Oml.Postprocessing;
using Oml.Registries;
using Oml.Retrieval;

namespace Oml.Tests.Postprocessing;

public sealed class PostprocessorRegistryTests
{
    [Fact]
    public void RegistersOmlsNamesAndKReciprocal()
    {
        Assert.Equal(["adaptive_thresholding", "constant_thresholding", "k_reciprocal", "pairwise_reranker"], PostprocessorRegistry.CreateDefault().Names);
        Assert.Equal(["concat_siamese", "linear_siamese", "trivial_distance_siamese"], Registry.PairwiseModels.Names);
    }

    [Fact]
    public void BlocksAreBuiltFromNamesOrMappings()
    {
        Assert.IsType<KReciprocalReranker>(PostprocessorBlock.Create("k_reciprocal"));
        var reranker = PostprocessorBlock.Create(new Dictionary<string, object?>
        {
            ["name"] = "pairwise_reranker",
            ["args"] = new Dictionary<string, object?>
            {
                ["top_n"] = 5L,
                ["pairwise_model"] = new Dictionary<string, object?> { ["name"] = "linear_siamese", ["args"] = new Dictionary<string, object?> { ["feat_dim"] = 4L, ["identity_init"] = true } },
            },
        });
        Assert.Equal(5, Assert.IsType<PairwiseReranker>(reranker).TopN);
        Assert.Null(PostprocessorBlock.Create(null));
    }

    [Theory]
    [InlineData("k_reciprocl", "Unknown postprocessor 'k_reciprocl' (did you mean 'k_reciprocal'?)")]
    [InlineData("pairwise_reranker", "postprocessor.args.pairwise_model is required")]
    public void BadBlocksAreUserErrors(string name, string message)
    {
        Assert.Contains(message, Assert.Throws<OmlException>(() => PostprocessorBlock.Create(name)).Message);
    }

    [Fact]
    public void UnknownArgumentsAreUserErrors()
    {
        var e = Assert.Throws<OmlException>(() => Registry.Postprocessors.Create("constant_thresholding", BlockArgs.From("postprocessor.args", ("threshold", 0.5))));
        Assert.Contains("does not take 'threshold' at postprocessor.args; valid keys: th", e.Message);
    }

    [Fact]
    public void ExactNeighbourSourcePutsEachRowFirstAndMatchesBruteForce()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var x = randn(50, 6);
        x[7] = x[3].clone(); // an exact duplicate
        var (ids, distances) = new ExactNeighbourSource(new KnnOptions { QueryChunk = 8, GalleryChunk = 16 }).Nearest(x, 5);
        for (var row = 0; row < 50; row++)
        {
            Assert.Equal(row, ids[row][0]);
            Assert.Equal(0f, distances[row][0]);
            var brute = Enumerable.Range(0, 50).Where(j => j != row).OrderBy(j => (x[row] - x[j]).norm().item<float>()).ThenBy(j => j).Take(4).ToHashSet();
            Assert.Equal(brute, ids[row].Skip(1).ToHashSet());
        }
        Assert.Equal(7, ids[3][1]);
    }

    [Fact]
    public void MetricsWithAPostprocessorUseItsTopNAndItsOrder()
    {
        using var scope = NewDisposeScope();
        // 1-d, shared queries and galleries; thresholding at 0.12 leaves q0 with one item and q3/q4 with none
        var all = Enumerable.Repeat(true, 5).ToArray();
        var setup = new RetrievalSetup([0, 0, 0, 1, 1], all, all);
        var x = tensor(new float[] { 0, 0.1f, 3, 1, 1.2f }, [5, 1]);
        var args = new MetricArgs { CmcTopK = [1], PrecisionTopK = [2], MapTopK = [2] };
        var plain = EmbeddingMetrics.Compute(x, setup, args);
        var thresholded = EmbeddingMetrics.Compute(x, setup, args, postprocessor: new ConstantThresholding(0.12f));
        Assert.Equal(2, plain.Retrieval.Retrieved[0].Length); // the largest k asked for
        Assert.Equal([1], thresholded.Retrieval.Retrieved[0]);
        Assert.Empty(thresholded.Retrieval.Retrieved[3]);
        Assert.Equal(0.8, plain.Metrics["OVERALL/cmc/1"], 6);
        // q2 (3.0) and q3/q4 (the pair 1.0/1.2 is 0.2 apart) retrieve nothing below 0.12 but have ground truth: 0
        Assert.Equal(0.4, thresholded.Metrics["OVERALL/cmc/1"], 6);
    }
}
