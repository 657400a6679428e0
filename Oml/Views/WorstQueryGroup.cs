namespace Oml.Views;

/// <summary>
/// The worst queries of one or more metrics that pick the same queries in the same order (e.g. cmc/1 and map/5 often
/// do): shown once, titled with every metric.
/// </summary>
public sealed record WorstQueryGroup(IReadOnlyList<string> Metrics, IReadOnlyList<int> Queries)
{
    /// <summary>
    /// The worst <paramref name="n"/> queries of each metric, metrics with the same queries merged into one group,
    /// groups in the order of their first metric.
    /// </summary>
    public static IReadOnlyList<WorstQueryGroup> Of(Metrics.EmbeddingMetricsResult result, IEnumerable<string> metrics, int n)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(metrics);
        var groups = new List<(List<string> Metrics, IReadOnlyList<int> Queries)>();
        foreach (var metric in metrics)
        {
            var queries = result.WorstQueries(metric, n);
            var same = groups.FindIndex(g => g.Queries.SequenceEqual(queries));
            if (same >= 0) groups[same].Metrics.Add(metric);
            else groups.Add(([metric], queries));
        }
        return groups.Select(g => new WorstQueryGroup(g.Metrics, g.Queries)).ToArray();
    }
}
