using Oml.Retrieval;

namespace Oml.Metrics;

/// <summary>
/// What <see cref="EmbeddingMetrics"/> computed: flat OML metric names with their means, the unreduced per-query
/// values (for the worst-query views), the retrieval results, and the counts behind the means.
/// </summary>
public sealed class EmbeddingMetricsResult
{
    internal EmbeddingMetricsResult(
        IReadOnlyDictionary<string, double> metrics,
        IReadOnlyDictionary<string, double> allMetrics,
        IReadOnlyDictionary<string, double[]> perQuery,
        IReadOnlyList<string?> queryCategories,
        RetrievalResults retrieval,
        IReadOnlyList<string> metricsToVisualize)
    {
        Metrics = metrics;
        AllMetrics = allMetrics;
        PerQuery = perQuery;
        QueryCategories = queryCategories;
        Retrieval = retrieval;
        MetricsToVisualize = metricsToVisualize;
    }

    /// <summary>Metric name -> mean, as OML returns and logs them (only OVERALL with <c>return_only_overall_category</c>).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>Every computed metric, per category too.</summary>
    public IReadOnlyDictionary<string, double> AllMetrics { get; }

    /// <summary>OVERALL retrieval metric name (e.g. <c>OVERALL/cmc/1</c>) -> value per query (NaN where a query is not scored).</summary>
    public IReadOnlyDictionary<string, double[]> PerQuery { get; }

    /// <summary>Category of each query (null without categories).</summary>
    public IReadOnlyList<string?> QueryCategories { get; }

    public RetrievalResults Retrieval { get; }

    /// <summary>Names of the metrics whose worst queries are shown (OML's visualisation rules).</summary>
    public IReadOnlyList<string> MetricsToVisualize { get; }

    public int Queries => Retrieval.QueryCount;

    public int Galleries => Retrieval.GalleryCount;

    public int QueriesWithoutGroundTruth => Retrieval.QueriesWithoutGroundTruth;

    /// <summary>
    /// The <paramref name="n"/> lowest-scoring queries by a metric such as <c>OVERALL/map/5</c> or <c>shoes/cmc/1</c>,
    /// worst first (unscored queries are skipped), like OML's <c>get_worst_queries_ids</c>, with a defined order among
    /// queries tied on the metric (many are: cmc/1 is 0 or 1), where OML leaves the order to <c>torch.topk</c> (unspecified on ties):
    /// the worse is the one whose first correct result ranks lower (none retrieved ranks lowest), then the one whose
    /// first correct result lies further behind its top result (<see cref="RetrievalResults.GapToFirstCorrect"/>);
    /// among queries with no correct result, the one whose wrong top result is nearer (a more confident mistake);
    /// then the query index.
    /// </summary>
    public IReadOnlyList<int> WorstQueries(string metricName, int n)
    {
        var (category, values) = PerQueryValues(metricName);
        return Enumerable.Range(0, values.Length)
            .Where(q => !double.IsNaN(values[q]) && (category == MetricNames.Overall || QueryCategories[q] == category))
            .OrderBy(q => values[q])
            .ThenByDescending(q => Retrieval.FirstCorrectRank(q) ?? int.MaxValue)
            .ThenByDescending(q => Retrieval.GapToFirstCorrect(q) ?? float.PositiveInfinity)
            .ThenBy(q => Retrieval.FirstCorrectRank(q) is null && Retrieval.Distances[q].Length > 0 ? Retrieval.Distances[q][0] : 0f)
            .ThenBy(q => q)
            .Take(n)
            .ToArray();
    }

    /// <summary>The category of <paramref name="metricName"/> (<c>OVERALL</c> or a category) and the OVERALL per-query values of its metric.</summary>
    public (string Category, double[] Values) PerQueryValues(string metricName)
    {
        ArgumentNullException.ThrowIfNull(metricName);
        var parts = metricName.Split('/');
        if (parts.Length < 2)
        {
            throw new OmlException($"'{metricName}' is not a metric name: expected <category>/<metric>[/<k>], e.g. OVERALL/cmc/1");
        }
        var overallName = string.Join('/', [MetricNames.Overall, .. parts[1..]]);
        if (!PerQuery.TryGetValue(overallName, out var values))
        {
            throw new OmlException($"'{metricName}' has no per-query values; valid: {string.Join(", ", PerQuery.Keys)} (or the same for a category)");
        }
        var category = parts[0];
        if (category != MetricNames.Overall && !QueryCategories.Contains(category))
        {
            var known = QueryCategories.Where(c => c is not null).Distinct().Order(StringComparer.Ordinal).ToArray();
            throw new OmlException(known.Length == 0
                ? $"'{metricName}': the dataset has no categories; use OVERALL/{string.Join('/', parts[1..])}"
                : $"'{metricName}': no query has category '{category}'; categories: {string.Join(", ", known)}");
        }
        return (category, values);
    }
}
