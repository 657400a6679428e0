using Microsoft.Data.Analysis;
using Oml.Data;
using Oml.Metrics;

namespace Oml.Analysis;

/// <summary>
/// An <see cref="EmbeddingMetricsResult"/> as <see cref="DataFrame"/>s (Microsoft.Data.Analysis): one row per query
/// (<see cref="ToDataFrame"/>) or one row per category (<see cref="CategoryMetricsDataFrame"/>). Metric columns keep
/// OML's names; NaN (a query that is not scored, a mean over nothing) is null, as in <c>metrics.json</c>.
/// </summary>
public static class MetricsDataFrame
{
    /// <summary>Column of the query's position among the queries (what <see cref="EmbeddingMetricsResult.WorstQueries"/> returns).</summary>
    public const string Query = "query";

    /// <summary>Column of the query's row in the validation split (<see cref="DatasetFrame.Validation"/>).</summary>
    public const string ValidationRow = "validation_row";

    /// <summary>Column of the query's category, and the first column of the per-category table.</summary>
    public const string Category = "category";

    /// <summary>Column of the 1-based rank of the first correct retrieved item.</summary>
    public const string FirstCorrectRank = "first_correct_rank";

    /// <summary>Column of the distance from the query to its first retrieved item.</summary>
    public const string TopDistance = "top_distance";

    /// <summary>Column of how far the first correct item lies behind the top one (distance difference).</summary>
    public const string GapToFirstCorrect = "gap_to_first_correct";

    /// <summary>Column of the number of gallery items that are correct answers for the query.</summary>
    public const string GroundTruthCount = "ground_truth_count";

    /// <summary>
    /// One row per query, in query order (the order of the validation rows that are queries). Columns:
    /// <list type="bullet">
    /// <item><c>query</c> (Int32): 0-based position among the queries, as <see cref="EmbeddingMetricsResult.WorstQueries"/> numbers them;</item>
    /// <item><c>validation_row</c> (Int32): 0-based row in the validation split (<see cref="DatasetFrame.Validation"/>, file order);</item>
    /// <item><c>category</c> (String): the query's category, null without a category column;</item>
    /// <item>with <paramref name="frame"/> (the frame whose validation split was evaluated): <c>label</c> (Int64, as written),
    /// <c>path</c> (String, as written) and <c>csv_row</c> (Int32, the spreadsheet row of its CSV line, as in <see cref="DatasetFrameDataFrame.ToDataFrame"/>);</item>
    /// <item>one Double column per per-query metric under its OML name (<c>OVERALL/cmc/1</c>, <c>OVERALL/precision/5</c>,
    /// <c>OVERALL/map/5</c>, <c>OVERALL/map@R</c>, <c>OVERALL/r_precision</c>), in <see cref="EmbeddingMetricsResult.PerQuery"/>'s
    /// order; null for queries that are not scored (no ground truth, under the default <c>exclude</c> policy). Their mean over a category is the category's value
    /// in <see cref="EmbeddingMetricsResult.AllMetrics"/> (<c>GroupBy("category").Mean("OVERALL/cmc/1")</c>);</item>
    /// <item><c>first_correct_rank</c> (Int32): 1-based rank of the first correct item in the retrieved list (after any
    /// postprocessor), null when none of the retrieved items is correct;</item>
    /// <item><c>top_distance</c> (Double): distance to the first retrieved item, null when nothing was retrieved
    /// (e.g. everything thresholded away);</item>
    /// <item><c>gap_to_first_correct</c> (Double): distance to the first correct item minus <c>top_distance</c> (0 when the
    /// top item is correct), null when none is correct. With <c>first_correct_rank</c> it orders queries tied on a metric
    /// the way <see cref="EmbeddingMetricsResult.WorstQueries"/> does; since row i is query i,
    /// <c>df[result.WorstQueries("OVERALL/cmc/1", 10)]</c> gives the worst rows in that order;</item>
    /// <item><c>ground_truth_count</c> (Int32): gallery items that are correct answers for the query (0: not scored).</item>
    /// </list>
    /// </summary>
    /// <exception cref="OmlException"><paramref name="frame"/> has fewer validation rows than the result refers to.</exception>
    public static DataFrame ToDataFrame(this EmbeddingMetricsResult result, DatasetFrame? frame = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var retrieval = result.Retrieval;
        var queries = Enumerable.Range(0, retrieval.QueryCount).ToArray();
        var columns = new List<DataFrameColumn>
        {
            new Int32DataFrameColumn(Query, queries.Select(q => (int?)q)),
            new Int32DataFrameColumn(ValidationRow, queries.Select(q => (int?)retrieval.QueryRows[q])),
            new StringDataFrameColumn(Category, queries.Select(q => result.QueryCategories[q])),
        };
        if (frame is not null)
        {
            var rows = QueryRows(result, frame);
            columns.Add(new Int64DataFrameColumn(DatasetCsv.Label, rows.Select(r => (long?)r.Label)));
            columns.Add(new StringDataFrameColumn(DatasetCsv.Path, rows.Select(r => r.Path)));
            columns.Add(new Int32DataFrameColumn(DatasetFrameDataFrame.CsvRow, rows.Select(r => r.RowNumber > 0 ? r.RowNumber : (int?)null)));
        }
        foreach (var (name, values) in result.PerQuery)
        {
            columns.Add(new DoubleDataFrameColumn(name, values.Select(DataFrameValues.OrNull)));
        }
        columns.Add(new Int32DataFrameColumn(FirstCorrectRank, queries.Select(retrieval.FirstCorrectRank)));
        columns.Add(new DoubleDataFrameColumn(TopDistance, queries.Select(q => retrieval.Distances[q] is { Length: > 0 } d ? (double?)d[0] : null)));
        columns.Add(new DoubleDataFrameColumn(GapToFirstCorrect, queries.Select(q => (double?)retrieval.GapToFirstCorrect(q))));
        columns.Add(new Int32DataFrameColumn(GroundTruthCount, queries.Select(q => (int?)retrieval.GroundTruth[q].Length)));
        return new DataFrame(columns);
    }

    /// <summary>
    /// One row per category, <c>OVERALL</c> first, then the categories in the order the metrics name them. Columns:
    /// <c>category</c> (String), then one Double column per metric without its category (<c>cmc/1</c>, <c>precision/5</c>,
    /// <c>map/5</c>, <c>pcf/0.5</c>, <c>fnmr@fmr/0.1</c>, ...) in order of first appearance; the value is the metric
    /// <c>&lt;category&gt;/&lt;metric&gt;</c>, null where the result has no such metric (FNMR@FMR is OVERALL only) or it is NaN.
    /// </summary>
    /// <param name="allMetrics">Read <see cref="EmbeddingMetricsResult.AllMetrics"/> (every category even with
    /// <c>return_only_overall_category</c>) instead of <see cref="EmbeddingMetricsResult.Metrics"/>.</param>
    public static DataFrame CategoryMetricsDataFrame(this EmbeddingMetricsResult result, bool allMetrics = false)
    {
        ArgumentNullException.ThrowIfNull(result);
        var metrics = allMetrics ? result.AllMetrics : result.Metrics;
        var known = result.QueryCategories.OfType<string>().Append(MetricNames.Overall).Distinct(StringComparer.Ordinal).ToArray();
        var split = metrics.Keys.Select(name => (Name: name, Parts: SplitName(name, known))).ToArray();
        var categories = split.Select(s => s.Parts.Category).Prepend(MetricNames.Overall).Distinct(StringComparer.Ordinal).ToArray();
        var metricNames = split.Select(s => s.Parts.Metric).Distinct(StringComparer.Ordinal).ToArray();
        var values = split.ToDictionary(s => s.Parts, s => metrics[s.Name]);

        var columns = new List<DataFrameColumn> { new StringDataFrameColumn(Category, categories) };
        foreach (var metric in metricNames)
        {
            columns.Add(new DoubleDataFrameColumn(metric, categories.Select(c => values.TryGetValue((c, metric), out var v) ? DataFrameValues.OrNull(v) : null)));
        }
        return new DataFrame(columns);
    }

    /// <summary>
    /// <c>&lt;category&gt;/&lt;metric&gt;</c>: the longest known category the name starts with (a category may contain '/'),
    /// else the text before the first '/'.
    /// </summary>
    private static (string Category, string Metric) SplitName(string name, IReadOnlyList<string> knownCategories)
    {
        var category = knownCategories.Where(c => name.Length > c.Length + 1 && name.StartsWith(c + "/", StringComparison.Ordinal))
            .OrderByDescending(c => c.Length).FirstOrDefault();
        if (category is not null) return (category, name[(category.Length + 1)..]);
        var slash = name.IndexOf('/');
        return slash <= 0 ? (MetricNames.Overall, name) : (name[..slash], name[(slash + 1)..]);
    }

    private static DatasetRow[] QueryRows(EmbeddingMetricsResult result, DatasetFrame frame)
    {
        var validation = frame.Validation;
        var rows = result.Retrieval.QueryRows;
        var highest = rows.Count == 0 ? -1 : rows.Max();
        var needed = Math.Max(highest + 1, result.Retrieval.GalleryRows.Count == 0 ? 0 : result.Retrieval.GalleryRows.Max() + 1);
        if (needed > validation.Count)
        {
            throw new OmlException(
                $"{frame.Source} has {validation.Count} validation rows but the metrics refer to validation row {needed - 1}: pass the frame whose validation split was evaluated");
        }
        return rows.Select(r => validation[r]).ToArray();
    }
}
