using System.Text;
using Oml.Data;

namespace Oml.Visualization;

/// <summary>
/// A dataset in OML format (<see cref="DatasetFrame"/>): the summary (<see cref="DatasetSummary.Lines"/>), rows and
/// labels per split, the labels with most images per split, rows per category and split, and a thumbnail strip per
/// split: the first <c>labelsPerSplit</c> labels (in file order), at most <c>imagesPerLabel</c> images each, every
/// one an inline JPEG (<see cref="Thumbnail.HtmlDataUri"/>). An image that cannot be read
/// becomes a grey "missing" box whose tooltip gives the reason.
/// </summary>
public sealed class DatasetView : IView
{
    private readonly DatasetFrame _frame;
    private readonly int _labelsPerSplit, _imagesPerLabel, _thumbnailSize, _topLabels;
    private readonly string? _title;

    /// <summary>The view of <paramref name="frame"/>; also <c>frame.View(...)</c>.</summary>
    public DatasetView(
        DatasetFrame frame, int labelsPerSplit = DefaultLabelsPerSplit, int imagesPerLabel = DefaultImagesPerLabel,
        int thumbnailSize = DefaultThumbnailSize, int topLabels = DefaultTopLabels, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        (_frame, _labelsPerSplit, _imagesPerLabel, _thumbnailSize, _topLabels, _title) = (frame, labelsPerSplit, imagesPerLabel, thumbnailSize, topLabels, title);
    }

    public DatasetFrame Frame => _frame;

    public string ToHtml() => Html(_frame, _labelsPerSplit, _imagesPerLabel, _thumbnailSize, _topLabels, _title);

    public override string ToString() => Text(_frame, _topLabels);


    public const int DefaultLabelsPerSplit = 5;
    public const int DefaultImagesPerLabel = 6;
    public const int DefaultThumbnailSize = 64;
    public const int DefaultTopLabels = 10;

    internal static string Html(
        DatasetFrame frame, int labelsPerSplit = DefaultLabelsPerSplit, int imagesPerLabel = DefaultImagesPerLabel,
        int thumbnailSize = DefaultThumbnailSize, int topLabels = DefaultTopLabels, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (labelsPerSplit < 0) throw new ArgumentOutOfRangeException(nameof(labelsPerSplit), labelsPerSplit, "labelsPerSplit must be 0 or more");
        if (imagesPerLabel < 0) throw new ArgumentOutOfRangeException(nameof(imagesPerLabel), imagesPerLabel, "imagesPerLabel must be 0 or more");
        if (thumbnailSize < 8) throw new ArgumentOutOfRangeException(nameof(thumbnailSize), thumbnailSize, "thumbnailSize must be at least 8 pixels");
        if (topLabels < 0) throw new ArgumentOutOfRangeException(nameof(topLabels), topLabels, "topLabels must be 0 or more");
        var html = ViewHtml.OpenView(new StringBuilder(), "oml-dataset", title ?? $"dataset {frame.Source}");
        ViewHtml.KeyValueTable(html, frame.Summarize().Lines());

        html.Append("<div style=\"").Append(ViewHtml.Heading).Append("\">rows and labels per split</div>\n");
        AppendTable(html, ["split", "rows", "labels"], Splits(frame).Select(s => new[] { s.Name, ViewHtml.Int(s.Rows.Count), ViewHtml.Int(s.Rows.Select(r => r.Label).Distinct().Count()) }).ToArray());

        foreach (var (name, rows) in Splits(frame).Where(s => s.Rows.Count > 0 && topLabels > 0 && !Balanced(s.Rows)))
        {
            var top = TopLabels(rows, topLabels);
            var labels = rows.Select(r => r.Label).Distinct().Count();
            html.Append("<div style=\"").Append(ViewHtml.Heading).Append("\">")
                .Append(ViewHtml.Escape($"{name}: top {top.Count} of {labels} labels by images")).Append("</div>\n");
            AppendTable(html, ["label", "images"], top.Select(t => new[] { t.Label.ToString(System.Globalization.CultureInfo.InvariantCulture), ViewHtml.Int(t.Count) }).ToArray());
        }

        if (frame.HasCategory)
        {
            html.Append("<div style=\"").Append(ViewHtml.Heading).Append("\">rows per category</div>\n");
            AppendTable(html, ["category", "train", "validation"], CategoryCounts(frame)
                .Select(c => new[] { c.Category, ViewHtml.Int(c.Train), ViewHtml.Int(c.Validation) }).ToArray());
        }

        foreach (var (name, rows) in Splits(frame).Where(s => s.Rows.Count > 0 && labelsPerSplit > 0 && imagesPerLabel > 0))
        {
            html.Append("<div style=\"").Append(ViewHtml.Heading).Append("\">")
                .Append(ViewHtml.Escape($"{name}: first {Math.Min(labelsPerSplit, rows.Select(r => r.Label).Distinct().Count())} labels")).Append("</div>\n");
            html.Append("<table class=\"oml-strip\" style=\"border-collapse:separate;border-spacing:3px\">\n");
            foreach (var (label, images) in Strip(rows, labelsPerSplit, imagesPerLabel))
            {
                html.Append("<tr><th style=\"").Append(ViewHtml.Th).Append(";vertical-align:middle\">label ")
                    .Append(label.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("</th>");
                foreach (var row in images) AppendThumbnail(html, frame, row, thumbnailSize);
                html.Append("</tr>\n");
            }
            html.Append("</table>\n");
        }
        html.Append("</div>\n");
        return html.ToString();
    }

    internal static string Text(DatasetFrame frame, int topLabels = DefaultTopLabels)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var text = new StringBuilder();
        text.Append("dataset ").Append(frame.Source).Append('\n').Append(frame.Summarize());
        foreach (var (name, rows) in Splits(frame).Where(s => s.Rows.Count > 0 && topLabels > 0 && !Balanced(s.Rows)))
        {
            var top = TopLabels(rows, topLabels);
            text.Append(name).Append(" top labels (label: images): ")
                .Append(string.Join(", ", top.Select(t => System.FormattableString.Invariant($"{t.Label}: {t.Count}")))).Append('\n');
        }
        if (frame.HasCategory)
        {
            text.Append(ViewHtml.TextTable(["category", "train", "validation"], CategoryCounts(frame)
                .Select(c => (IReadOnlyList<string>)[c.Category, ViewHtml.Int(c.Train), ViewHtml.Int(c.Validation)]).ToArray()));
        }
        return text.ToString();
    }

    /// <summary>The rows shown in a split's strip: the first <paramref name="labels"/> labels in file order, the first <paramref name="imagesPerLabel"/> rows of each.</summary>
    public static IReadOnlyList<(long Label, IReadOnlyList<DatasetRow> Rows)> Strip(IReadOnlyList<DatasetRow> rows, int labels, int imagesPerLabel)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.GroupBy(r => r.Label).Take(labels)
            .Select(g => (g.Key, (IReadOnlyList<DatasetRow>)g.Take(imagesPerLabel).ToArray())).ToArray();
    }

    private static IEnumerable<(string Name, IReadOnlyList<DatasetRow> Rows)> Splits(DatasetFrame frame) =>
        [("train", frame.Train), ("validation", frame.Validation)];

    /// <summary>Every label has as many images as the others: a table of the largest labels would say nothing.</summary>
    private static bool Balanced(IReadOnlyList<DatasetRow> rows) => rows.CountBy(r => r.Label).Select(p => p.Value).Distinct().Count() == 1;

    private static IReadOnlyList<(long Label, int Count)> TopLabels(IReadOnlyList<DatasetRow> rows, int n) =>
        rows.GroupBy(r => r.Label).Select(g => (g.Key, g.Count())).OrderByDescending(p => p.Item2).ThenBy(p => p.Key).Take(n).ToArray();

    private static IReadOnlyList<(string Category, int Train, int Validation)> CategoryCounts(DatasetFrame frame) =>
        frame.Rows.GroupBy(r => r.Category ?? "(none)", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count(r => r.Split == DatasetSplit.Train), g.Count(r => r.Split == DatasetSplit.Validation))).ToArray();

    private static void AppendTable(StringBuilder html, string[] header, IReadOnlyList<string[]> rows) =>
        ViewHtml.DataTable(html, header, rows, column => column > 0);

    private static void AppendThumbnail(StringBuilder html, DatasetFrame frame, DatasetRow row, int size)
    {
        var box = $"width:{size}px;height:{size}px;box-sizing:border-box;border:1px solid #ccc";
        html.Append("<td style=\"vertical-align:top\">");
        try
        {
            var uri = Thumbnail.HtmlDataUri(frame.ResolvePath(row), row.Box, size);
            html.Append("<img src=\"").Append(uri).Append("\" alt=\"").Append(ViewHtml.Escape(row.Path)).Append("\" title=\"")
                .Append(ViewHtml.Escape($"{row.Path} (label {row.Label})")).Append("\" style=\"display:block;object-fit:contain;background:#fff;").Append(box).Append("\">");
        }
        catch (OmlException e)
        {
            html.Append("<div title=\"").Append(ViewHtml.Escape(e.Message))
                .Append("\" style=\"display:flex;align-items:center;justify-content:center;background:#e6e6e6;color:#5a5a5a;").Append(box).Append("\">missing</div>");
        }
        html.Append("</td>");
    }
}
