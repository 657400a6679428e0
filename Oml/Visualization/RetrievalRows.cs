using System.Globalization;
using Oml.Data;
using Oml.Metrics;

namespace Oml.Visualization;

/// <summary>
/// Builds the layout of OML's worst-query figures (<c>oml/retrieval/retrieval_results.py:
/// RetrievalResults.visualize_with_functions</c>; docs/oml-metrics.md §7) from metrics and the dataset they were
/// computed on. The retrieval's query and gallery rows are rows of <see cref="DatasetFrame.Validation"/>, which is how
/// <see cref="ValidationSet.Setup"/> numbers them (validation rows in file order).
/// <list type="bullet">
/// <item>query tile: caption <c>Query #&lt;query index&gt;</c>;</item>
/// <item>up to <c>topN</c> retrieved items, nearest first: <see cref="ImageTileKind.Correct"/> or
/// <see cref="ImageTileKind.Wrong"/>, or <see cref="ImageTileKind.Unknown"/> for a query that has no ground truth
/// at all (nothing to be right about); caption <c>Gallery #&lt;gallery index&gt; - &lt;distance, 3 decimals&gt;</c>;</item>
/// <item>the first <c>groundTruthShown</c> ground-truth items (by gallery index, as OML: not necessarily the
/// nearest), caption <c>GT</c>.</item>
/// </list>
/// </summary>
public static class RetrievalRows
{
    /// <summary>OML's <c>LOG_TOPK_ROWS_PER_METRIC</c>: queries per worst-query figure.</summary>
    public const int DefaultWorstQueries = 5;

    /// <summary>OML's <c>LOG_TOPK_IMAGES_PER_ROW</c>.</summary>
    public const int DefaultTopN = 5;

    /// <summary>OML's <c>N_GT_SHOW_EMBEDDING_METRICS</c>.</summary>
    public const int DefaultGroundTruthShown = 2;

    /// <summary>Rows for the given queries (positions in <see cref="EmbeddingMetricsResult.Retrieval"/>), in that order.</summary>
    public static IReadOnlyList<RetrievalRow> For(
        EmbeddingMetricsResult result, DatasetFrame frame, IEnumerable<int> queryIndices, int topN = DefaultTopN, int groundTruthShown = DefaultGroundTruthShown)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(queryIndices);
        if (topN < 0) throw new ArgumentOutOfRangeException(nameof(topN), topN, "topN must be 0 or more");
        if (groundTruthShown < 0) throw new ArgumentOutOfRangeException(nameof(groundTruthShown), groundTruthShown, "groundTruthShown must be 0 or more");
        var retrieval = result.Retrieval;
        var validation = frame.Validation;
        var largestRow = retrieval.QueryRows.Concat(retrieval.GalleryRows).DefaultIfEmpty(-1).Max();
        if (largestRow >= validation.Count)
        {
            throw new OmlException(
                $"The metrics refer to validation row {largestRow}, but {frame.Source} has {validation.Count} validation rows: " +
                "were they computed on another dataset?");
        }

        ImageTile Tile(int validationRow, ImageTileKind kind, string caption)
        {
            var row = validation[validationRow];
            return new ImageTile(frame.ResolvePath(row), row.Box, kind, caption) { Label = row.Label };
        }

        var rows = new List<RetrievalRow>();
        foreach (var q in queryIndices)
        {
            if (q < 0 || q >= retrieval.QueryCount)
                throw new ArgumentOutOfRangeException(nameof(queryIndices), q, $"query index must be in 0..{retrieval.QueryCount - 1}");
            var groundTruth = retrieval.GroundTruth[q];
            var hits = retrieval.Hits(q);
            var ids = retrieval.Retrieved[q];
            var distances = retrieval.Distances[q];
            var results = new List<ImageTile>();
            for (var i = 0; i < Math.Min(topN, ids.Length); i++)
            {
                var kind = groundTruth.Length == 0 ? ImageTileKind.Unknown : hits[i] ? ImageTileKind.Correct : ImageTileKind.Wrong;
                var caption = string.Create(CultureInfo.InvariantCulture, $"Gallery #{ids[i]} - {distances[i]:0.000}");
                results.Add(Tile(retrieval.GalleryRows[ids[i]], kind, caption));
            }
            var shownGroundTruth = groundTruth.Take(groundTruthShown)
                .Select(g => Tile(retrieval.GalleryRows[g], ImageTileKind.GroundTruth, "GT"))
                .ToArray();
            rows.Add(new RetrievalRow(q, Tile(retrieval.QueryRows[q], ImageTileKind.Query, $"Query #{q}"), results, shownGroundTruth));
        }
        return rows;
    }

    /// <summary>
    /// The rows of the <paramref name="n"/> lowest-scoring queries by <paramref name="metric"/> (e.g. <c>OVERALL/map/5</c>),
    /// worst first (<see cref="EmbeddingMetricsResult.WorstQueries"/>).
    /// </summary>
    public static WorstQueryRows WorstQueries(
        EmbeddingMetricsResult result, DatasetFrame frame, string metric, int n = DefaultWorstQueries,
        int topN = DefaultTopN, int groundTruthShown = DefaultGroundTruthShown)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(metric);
        var queries = result.WorstQueries(metric, n);
        return new WorstQueryRows(metric, Title(metric, n), For(result, frame, queries, topN, groundTruthShown));
    }

    /// <summary>One worst-query figure per metric of <see cref="EmbeddingMetricsResult.MetricsToVisualize"/>, in its order.</summary>
    public static IReadOnlyList<WorstQueryRows> WorstQueriesPerMetric(
        EmbeddingMetricsResult result, DatasetFrame frame, int n = DefaultWorstQueries,
        int topN = DefaultTopN, int groundTruthShown = DefaultGroundTruthShown)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.MetricsToVisualize.Select(m => WorstQueries(result, frame, m, n, topN, groundTruthShown)).ToArray();
    }

    /// <summary>OML's figure title: <c>top 5 worst by OVERALL_map_5</c>.</summary>
    public static string Title(string metric, int n = DefaultWorstQueries) => $"top {n} worst by {metric.Replace('/', '_')}";
}
