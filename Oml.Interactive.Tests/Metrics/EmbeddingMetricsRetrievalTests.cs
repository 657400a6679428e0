using Oml.Metrics;
using Oml.Retrieval;
using Oml.Tests.Retrieval;

namespace Oml.Tests.Metrics;

/// <summary>The metrics through an approximate search: the same values on clustered data, FNMR@FMR still exact, the recall reported.</summary>
public sealed class EmbeddingMetricsRetrievalTests
{
    private static (Tensor Embeddings, RetrievalSetup Setup) ClusteredSet()
    {
        var data = ClusteredEmbeddings.Make(classes: 60, perClass: 10, dimension: 16, noise: 0.3f, seed: 11);
        var labels = Enumerable.Range(0, data.Rows).Select(i => (long)(i % 60)).ToArray();
        var sequence = Enumerable.Range(0, data.Rows).Select(i => i % 7 == 0 ? i % 60 : -1).ToArray();
        var all = Enumerable.Repeat(true, data.Rows).ToArray();
        return (ClusteredEmbeddings.ToTensor(data), new RetrievalSetup(labels, all, all, sequence));
    }

    [Fact]
    public void An_index_with_report_recall_gives_the_exact_metrics_and_its_recall()
    {
        using var scope = NewDisposeScope();
        var (embeddings, setup) = ClusteredSet();
        var args = new MetricArgs { CmcTopK = [1, 5], PrecisionTopK = [5], MapTopK = [5], FmrValues = [0.01, 0.1] };
        var exact = EmbeddingMetrics.Compute(embeddings, setup, args);
        var approximate = EmbeddingMetrics.Compute(embeddings, setup, args, retrieval: new RetrievalMethod(new HnswKnnSearch(), ReportRecall: true));

        Assert.Equal(1.0, approximate.Metrics["OVERALL/retrieval_recall@5"], 3);
        foreach (var (name, value) in exact.Metrics) Assert.Equal(value, approximate.Metrics[name], 3);
        // FNMR@FMR reads every distance, which an index never sees: it comes from the exact pass, bit for bit
        Assert.Equal(exact.Metrics["OVERALL/fnmr@fmr/0.01"], approximate.Metrics["OVERALL/fnmr@fmr/0.01"]);
        Assert.DoesNotContain(approximate.MetricsToVisualize, n => n.Contains("retrieval_recall", StringComparison.Ordinal));
        Assert.False(exact.Metrics.ContainsKey("OVERALL/retrieval_recall@5"));
    }

    [Fact]
    public void A_small_expansion_search_loses_neighbours_and_the_recall_says_so()
    {
        using var scope = NewDisposeScope();
        var data = ClusteredEmbeddings.Make(classes: 200, perClass: 10, dimension: 32, noise: 1.0f, seed: 12);
        var labels = Enumerable.Range(0, data.Rows).Select(i => (long)(i % 200)).ToArray();
        var all = Enumerable.Repeat(true, data.Rows).ToArray();
        var setup = new RetrievalSetup(labels, all, all);
        var args = new MetricArgs { CmcTopK = [10], PrecisionTopK = [], MapTopK = [], PcfVariance = [] };
        var narrow = new RetrievalMethod(new HnswKnnSearch(HnswSettings.Default with { Connectivity = 4, ExpansionAdd = 8, ExpansionSearch = 1 }), ReportRecall: true);
        var recall = EmbeddingMetrics.Compute(ClusteredEmbeddings.ToTensor(data), setup, args, retrieval: narrow).Metrics["OVERALL/retrieval_recall@10"];
        Assert.InRange(recall, 0.05, 0.99);
    }

    [Fact]
    public void Report_recall_with_the_exact_search_is_one()
    {
        using var scope = NewDisposeScope();
        var (embeddings, setup) = ClusteredSet();
        var result = EmbeddingMetrics.Compute(embeddings, setup, new MetricArgs { CmcTopK = [1] }, retrieval: new RetrievalMethod(new ExactKnnSearch(), ReportRecall: true));
        Assert.Equal(1.0, result.Metrics["OVERALL/retrieval_recall@5"]);
    }
}
