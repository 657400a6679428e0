using System.Globalization;
using System.Text;
using Oml.Data;
using Oml.Metrics;
using Oml.Visualization;

namespace Oml.Views;

/// <summary>
/// One line per query: its index, category, label and image, the rank of its first correct result, the distance to
/// its top result and how far behind it the first correct one lies, and its per-query metrics; worst first by a
/// metric, at most <c>maxRows</c> lines (the count of the rest is said).
/// </summary>
public sealed class QueryMetricsView : IView
{
    public const int DefaultMaxRows = 20;

    private readonly EmbeddingMetricsResult _result;
    private readonly DatasetFrame _frame;
    private readonly string? _orderBy;
    private readonly int _maxRows;

    public QueryMetricsView(EmbeddingMetricsResult result, DatasetFrame frame, string? orderBy = "OVERALL/cmc/1", int maxRows = DefaultMaxRows)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(frame);
        if (maxRows < 1) throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, "maxRows must be 1 or more");
        if (orderBy is not null) result.PerQueryValues(orderBy); // a wrong name fails here, with the valid ones
        (_result, _frame, _orderBy, _maxRows) = (result, frame, orderBy, maxRows);
    }

    /// <summary>The queries in display order (all of them).</summary>
    public IReadOnlyList<int> Order => _orderBy is null ? Enumerable.Range(0, _result.Queries).ToArray() : _result.WorstQueries(_orderBy, _result.Queries);

    public IReadOnlyList<string> Header =>
        ["query", "category", "label", "image", "first correct", "top distance", "gap to correct", .. _result.PerQuery.Keys];

    /// <summary>The table's cells, <see cref="Header"/> order, for the first <c>maxRows</c> queries of <see cref="Order"/>.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cells()
    {
        var retrieval = _result.Retrieval;
        var validation = _frame.Validation;
        return Order.Take(_maxRows).Select(q =>
        {
            var row = validation[retrieval.QueryRows[q]];
            var distances = retrieval.Distances[q];
            return (IReadOnlyList<string>)
            [
                q.ToString(CultureInfo.InvariantCulture),
                _result.QueryCategories[q] ?? "",
                row.Label.ToString(CultureInfo.InvariantCulture),
                row.Path,
                retrieval.FirstCorrectRank(q)?.ToString(CultureInfo.InvariantCulture) ?? "none",
                distances.Length > 0 ? distances[0].ToString("0.000", CultureInfo.InvariantCulture) : "",
                retrieval.GapToFirstCorrect(q)?.ToString("0.000", CultureInfo.InvariantCulture) ?? "",
                .. _result.PerQuery.Values.Select(v => double.IsNaN(v[q]) ? "" : v[q].ToString("0.###", CultureInfo.InvariantCulture)),
            ];
        }).ToArray();
    }

    public string ToHtml()
    {
        var title = _orderBy is null ? "per-query metrics" : $"per-query metrics, worst first by {_orderBy}";
        var html = ViewHtml.OpenView(new StringBuilder(), "oml-query-metrics", title);
        ViewHtml.DataTable(html, Header, Cells(), column => column is not (1 or 3));   // category and image are text
        if (_result.Queries > _maxRows) html.Append("<div style=\"color:#555\">").Append(ViewHtml.Escape(More())).Append("</div>\n");
        return html.Append("</div>\n").ToString();
    }

    public override string ToString() => ViewHtml.TextTable(Header, Cells()) + (_result.Queries > _maxRows ? More() + "\n" : "");

    private string More() => $"{_maxRows} of {_result.Queries} queries shown (maxRows); all of them: .ToDataFrame()";
}
