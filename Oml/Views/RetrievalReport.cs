using System.Globalization;
using System.Text;
using Oml.Data;
using Oml.Metrics;
using Oml.Retrieval;
using Oml.Visualization;
using static TorchSharp.torch;

namespace Oml.Views;

/// <summary>
/// Retrieval results with the dataset they refer to and their per-query metrics, to look at query by query: what
/// OML 3.x's <c>RetrievalResults</c> (<c>from_embeddings</c>, <c>visualize</c>) gives, plus the worst queries by any
/// metric. From a validation (<c>val.Retrieval()</c>, <c>run.Retrieval()</c>) or from embeddings of a dataset's
/// validation split (<see cref="FromEmbeddings"/>). Renders as the metrics and the worst queries.
/// </summary>
public sealed class RetrievalReport : IView
{
    public const int DefaultWorst = 5;

    public RetrievalReport(EmbeddingMetricsResult result, DatasetFrame frame, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(frame);
        (Result, Frame, Title) = (result, frame, title);
    }

    public EmbeddingMetricsResult Result { get; }

    public DatasetFrame Frame { get; }

    public string? Title { get; }

    public RetrievalResults Retrieval => Result.Retrieval;

    /// <summary>Results shown per query (at most what the retrieval kept).</summary>
    public int TopN { get; init; } = RetrievalRows.DefaultTopN;

    /// <summary>Ground-truth items shown after the results.</summary>
    public int GroundTruthShown { get; init; } = RetrievalRows.DefaultGroundTruthShown;

    public int ThumbnailSize { get; init; } = RetrievalGridView.DefaultThumbnailSize;

    /// <summary>
    /// Retrieval over the validation split of <paramref name="frame"/> (its queries against its gallery, OML's rules)
    /// from their embeddings (<c>[rows of frame.Validation, D]</c>, in file order), with the metrics of <paramref name="args"/>.
    /// </summary>
    public static RetrievalReport FromEmbeddings(Tensor embeddings, DatasetFrame frame, MetricArgs? args = null)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(frame);
        if (embeddings.dim() != 2 || embeddings.shape[0] != frame.Validation.Count)
        {
            throw new OmlException(
                $"the embeddings are [{string.Join(", ", embeddings.shape)}], but {frame.Source} has {frame.Validation.Count} validation rows: " +
                "expected one embedding per validation row, in file order");
        }
        var result = EmbeddingMetrics.Compute(embeddings, ValidationSet.Setup(frame), args ?? MetricArgs.Default, ValidationSet.Categories(frame));
        return new RetrievalReport(result, frame);
    }

    /// <summary>
    /// The <paramref name="n"/> worst queries by <paramref name="metric"/> (e.g. <c>OVERALL/map/5</c>, or <c>cmc/1</c> with
    /// <paramref name="category"/>), worst first, ties ordered as <see cref="EmbeddingMetricsResult.WorstQueries"/> says.
    /// </summary>
    public RetrievalGridView Worst(string metric = "OVERALL/cmc/1", int n = DefaultWorst, string? category = null)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be 1 or more");
        var name = category is null ? metric : $"{category}/{(metric.StartsWith(MetricNames.Overall + "/", StringComparison.Ordinal) ? metric[(MetricNames.Overall.Length + 1)..] : metric)}";
        var queries = Result.WorstQueries(name, n);
        return Grid(queries, $"{queries.Count} worst queries by {name}", ScoreNote([name], queries));
    }

    /// <summary>The worst queries of each metric (OML's metrics to visualize by default), one grid per distinct set of queries.</summary>
    public IReadOnlyList<RetrievalGridView> WorstPerMetric(int n = DefaultWorst, IEnumerable<string>? metrics = null)
    {
        var names = (metrics ?? Result.MetricsToVisualize).ToArray();
        return WorstQueryGroup.Of(Result, names, n)
            .Select(g => Grid(g.Queries, $"{g.Queries.Count} worst queries by {string.Join(", ", g.Metrics)}", ScoreNote(g.Metrics, g.Queries)))
            .ToArray();
    }

    /// <summary>The <paramref name="n"/> worst queries of every category by <paramref name="metric"/> (e.g. <c>cmc/1</c>), one grid per category.</summary>
    public ViewStack WorstPerCategory(string metric = "cmc/1", int n = DefaultWorst)
    {
        var categories = Result.QueryCategories.OfType<string>().Distinct().Order(StringComparer.Ordinal).ToArray();
        if (categories.Length == 0) throw new OmlException($"{Frame.Source} has no categories (no 'category' column): use Worst(\"OVERALL/{metric}\")");
        return new ViewStack(categories.Select(c => Worst(metric, n, c)), $"worst queries per category by {metric}");
    }

    /// <summary>One query (its index among the queries) with <paramref name="topN"/> results.</summary>
    public RetrievalGridView Query(int query, int? topN = null) => Queries([query], topN, $"query {query}");

    /// <summary>The given queries, in that order.</summary>
    public RetrievalGridView Queries(IEnumerable<int> queries, int? topN = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var ids = queries.ToArray();
        return Grid(ids, title ?? $"queries {string.Join(", ", ids)}", ScoreNote(Result.MetricsToVisualize, ids), topN);
    }

    /// <summary>Every query's metrics, first correct rank and distances, as a table (worst first by <paramref name="orderBy"/>).</summary>
    public QueryMetricsView PerQuery(string? orderBy = "OVERALL/cmc/1", int maxRows = QueryMetricsView.DefaultMaxRows) =>
        new(Result, Frame, orderBy, maxRows);

    /// <summary>Every query as a row of a DataFrame (category, label, path, per-query metrics, first correct rank, distances).</summary>
    public Microsoft.Data.Analysis.DataFrame ToDataFrame() => Analysis.MetricsDataFrame.ToDataFrame(Result, Frame);

    public string ToHtml()
    {
        var html = ViewHtml.OpenView(new StringBuilder(), "oml-retrieval-report", Title);
        html.Append(Summary().ToHtml());
        foreach (var grid in WorstPerMetric()) html.Append(grid.ToHtml());
        return html.Append("</div>\n").ToString();
    }

    public override string ToString() =>
        (Title is null ? "" : Title + "\n") + Summary() + string.Concat(WorstPerMetric().Select(g => "\n" + g));

    private MetricsView Summary() => new(Result.Metrics,
        string.Create(CultureInfo.InvariantCulture, $"{Result.Queries} queries, {Result.Galleries} gallery items"));

    private RetrievalGridView Grid(IReadOnlyList<int> queries, string title, string? note, int? topN = null)
    {
        var shown = topN ?? TopN;
        var kept = queries.Select(q => Retrieval.Retrieved[q].Length).DefaultIfEmpty(shown).Max();
        if (shown > kept)
        {
            note = (note is null ? "" : note + ". ") +
                   $"{shown} results asked, the retrieval kept {kept} per query (the largest k of the metrics): validate with a larger k to see more";
        }
        return new RetrievalGridView(RetrievalRows.For(Result, Frame, queries, shown, GroundTruthShown), title, ThumbnailSize, note);
    }

    private string? ScoreNote(IEnumerable<string> metrics, IReadOnlyList<int> queries)
    {
        if (queries.Count == 0) return null;
        var parts = new List<string>();
        foreach (var metric in metrics.Take(2))
        {
            var (_, values) = Result.PerQueryValues(metric);
            parts.Add($"{metric}: {string.Join(" ", queries.Select(q => double.IsNaN(values[q]) ? "-" : values[q].ToString("0.##", CultureInfo.InvariantCulture)))}");
        }
        var ranks = queries.Select(q => Retrieval.FirstCorrectRank(q)?.ToString(CultureInfo.InvariantCulture) ?? "none");
        parts.Add($"first correct at {string.Join(" ", ranks)}");
        return string.Join("; ", parts);
    }
}
