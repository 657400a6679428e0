using System.Text;

namespace Oml.Visualization;

/// <summary>
/// Retrieval rows as a grid: one line per query (query, its top results nearest first with correct ones in green and
/// wrong ones in red, then some ground-truth items), every image an inline thumbnail of <see cref="ThumbnailSize"/>
/// pixels, a title and a colour legend. <see cref="object.ToString"/> lists the same rows as text.
/// </summary>
public sealed class RetrievalGridView : IView
{
    public const int DefaultThumbnailSize = 96;

    public RetrievalGridView(IReadOnlyList<RetrievalRow> rows, string? title = null, int thumbnailSize = DefaultThumbnailSize, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (thumbnailSize < 8) throw new ArgumentOutOfRangeException(nameof(thumbnailSize), thumbnailSize, "thumbnailSize must be at least 8 pixels");
        (Rows, Title, ThumbnailSize, Note) = (rows, title, thumbnailSize, note);
    }

    public IReadOnlyList<RetrievalRow> Rows { get; }

    public string? Title { get; }

    /// <summary>A line under the title (e.g. which metrics picked these queries).</summary>
    public string? Note { get; }

    public int ThumbnailSize { get; }

    /// <summary>The query indices shown, in order.</summary>
    public IReadOnlyList<int> Queries => Rows.Select(r => r.QueryIndex).ToArray();

    public string ToHtml()
    {
        var html = ViewHtml.OpenView(new StringBuilder(), "oml-retrieval", Title);
        if (!string.IsNullOrEmpty(Note)) html.Append("<div style=\"color:#555;margin:2px 0\">").Append(ViewHtml.Escape(Note)).Append("</div>\n");
        html.Append(Legend());
        html.Append(Rows.Count == 0 ? "<div style=\"color:#888\">no queries</div>\n" : RetrievalGridHtml.Render(Rows, ThumbnailSize));
        html.Append("</div>\n");
        return html.ToString();
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        if (!string.IsNullOrEmpty(Title)) text.Append(Title).Append('\n');
        if (!string.IsNullOrEmpty(Note)) text.Append(Note).Append('\n');
        return text.Append(RowLines(Rows)).ToString();
    }

    /// <summary>One line per row: the query's caption, then each result's caption marked correct, wrong or without ground truth.</summary>
    internal static string RowLines(IEnumerable<RetrievalRow> rows) =>
        string.Concat(rows.Select(row => $"{row.Query.Caption}: {string.Join(", ", row.Results.Select(t => $"{t.Caption} {Mark(t.Kind)}"))}\n"));

    /// <summary>The colour key: query, correct, wrong, ground truth.</summary>
    internal static string Legend()
    {
        var html = new StringBuilder("<div style=\"color:#555;margin:2px 0\">");
        foreach (var (kind, name) in new[] { (ImageTileKind.Query, "query"), (ImageTileKind.Correct, "correct"), (ImageTileKind.Wrong, "wrong"), (ImageTileKind.GroundTruth, "ground truth") })
        {
            html.Append("<span style=\"border:2px solid ").Append(TileColors.Css(kind)).Append(";padding:0 3px;margin-right:4px\">").Append(name).Append("</span>");
        }
        return html.Append("</div>\n").ToString();
    }

    private static string Mark(ImageTileKind kind) => kind switch
    {
        ImageTileKind.Correct => "(correct)",
        ImageTileKind.Wrong => "(wrong)",
        ImageTileKind.Unknown => "(no ground truth)",
        _ => "",
    };
}
