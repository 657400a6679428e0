using System.Text;
using Oml.Data;
using Oml.Metrics;

namespace Oml.Visualization;

/// <summary>
/// One page of queries of a validation: each query with its top results (green frame: correct, red: wrong, black:
/// no ground truth; captions give gallery index and distance) and a few ground-truth items, as inline thumbnails
/// (<see cref="RetrievalRows.For"/> + <see cref="RetrievalGridHtml.Render"/>). Pages are 0-based; queries are in index
/// order, or worst first by <c>orderBy</c> (e.g. <c>OVERALL/cmc/1</c>; only the queries that metric scores).
/// </summary>
public sealed class RetrievalView : IView
{
    private readonly EmbeddingMetricsResult _result;
    private readonly DatasetFrame _frame;
    private readonly int _page, _pageSize, _topN, _groundTruthShown, _thumbnailSize;
    private readonly string? _orderBy;

    /// <summary>Page <paramref name="page"/> (0-based) of the queries, in index order or worst first by <paramref name="orderBy"/>.</summary>
    public RetrievalView(
        EmbeddingMetricsResult result, DatasetFrame frame, int page = 0, int pageSize = DefaultPageSize, string? orderBy = null,
        int topN = RetrievalRows.DefaultTopN, int groundTruthShown = RetrievalRows.DefaultGroundTruthShown, int thumbnailSize = DefaultThumbnailSize)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(frame);
        Page(result, page, pageSize, orderBy); // checks the page now, not when rendered
        (_result, _frame, _page, _pageSize, _orderBy, _topN, _groundTruthShown, _thumbnailSize) = (result, frame, page, pageSize, orderBy, topN, groundTruthShown, thumbnailSize);
    }

    public string ToHtml() => Html(_result, _frame, _page, _pageSize, _orderBy, _topN, _groundTruthShown, _thumbnailSize);

    public override string ToString() => Text(_result, _frame, _page, _pageSize, _orderBy, _topN);

    public const int DefaultPageSize = 10;
    public const int DefaultThumbnailSize = 96;

    /// <summary>The query indices in display order (all queries, or the scored ones worst first).</summary>
    public static IReadOnlyList<int> QueryOrder(EmbeddingMetricsResult result, string? orderBy = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        return orderBy is null ? Enumerable.Range(0, result.Queries).ToArray() : result.WorstQueries(orderBy, result.Queries);
    }

    /// <summary>The query indices of a page, and the 1-based range text ("queries 1-10 of 42").</summary>
    public static (IReadOnlyList<int> Queries, string Range) Page(EmbeddingMetricsResult result, int page = 0, int pageSize = DefaultPageSize, string? orderBy = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (pageSize < 1) throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "pageSize must be positive");
        var order = QueryOrder(result, orderBy);
        var pages = Math.Max(1, (order.Count + pageSize - 1) / pageSize);
        if (page < 0 || page >= pages) throw new ArgumentOutOfRangeException(nameof(page), page, $"page must be in 0..{pages - 1} ({order.Count} queries, {pageSize} per page)");
        var queries = order.Skip(page * pageSize).Take(pageSize).ToArray();
        var range = queries.Length == 0 ? $"queries 0 of {order.Count}" : $"queries {page * pageSize + 1}-{page * pageSize + queries.Length} of {order.Count}";
        if (orderBy is not null) range += $", worst first by {orderBy}";
        return (queries, range);
    }

    internal static string Html(
        EmbeddingMetricsResult result, DatasetFrame frame, int page = 0, int pageSize = DefaultPageSize, string? orderBy = null,
        int topN = RetrievalRows.DefaultTopN, int groundTruthShown = RetrievalRows.DefaultGroundTruthShown, int thumbnailSize = DefaultThumbnailSize)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var (queries, range) = Page(result, page, pageSize, orderBy);
        var rows = RetrievalRows.For(result, frame, queries, topN, groundTruthShown);
        var pages = Math.Max(1, (QueryOrder(result, orderBy).Count + pageSize - 1) / pageSize);
        var html = ViewHtml.OpenView(new StringBuilder(), "oml-retrieval", null);
        html.Append("<div class=\"oml-retrieval-page\" style=\"margin:4px 0\">").Append(ViewHtml.Escape($"{range} (page {page + 1} of {pages})"))
            .Append("</div>\n");
        html.Append(RetrievalGridView.Legend());
        html.Append(RetrievalGridHtml.Render(rows, thumbnailSize));
        html.Append("</div>\n");
        return html.ToString();
    }

    internal static string Text(
        EmbeddingMetricsResult result, DatasetFrame frame, int page = 0, int pageSize = DefaultPageSize, string? orderBy = null,
        int topN = RetrievalRows.DefaultTopN)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var (queries, range) = Page(result, page, pageSize, orderBy);
        return range + "\n" + RetrievalGridView.RowLines(RetrievalRows.For(result, frame, queries, topN, groundTruthShown: 0));
    }
}
