using System.Net;
using System.Text;
using Oml.Data;

namespace Oml.Visualization;

/// <summary>
/// Renders retrieval rows as self-contained HTML (no scripts, no external resources): a table with one line per
/// query; every image is an inline JPEG thumbnail (<c>&lt;img src="data:image/jpeg;base64,..."&gt;</c>, longer side at
/// most <c>thumbnailSize</c>, letterboxed by CSS in a square) with a CSS border of its tile colour
/// (<see cref="TileColors"/>) and its caption under it. Ground-truth tiles start in the same column on every line.
/// All text is HTML-escaped. An image that cannot be read becomes a grey box saying "missing", whose tooltip gives the reason.
/// </summary>
internal static class RetrievalGridHtml
{
    public const int DefaultThumbnailSize = 128;

    public static string Render(IReadOnlyList<RetrievalRow> rows, int thumbnailSize = DefaultThumbnailSize, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (thumbnailSize < 8) throw new ArgumentOutOfRangeException(nameof(thumbnailSize), thumbnailSize, "thumbnailSize must be at least 8 pixels");
        var border = Math.Max(2, thumbnailSize / 32);
        var resultColumns = rows.Select(r => r.Results.Count).DefaultIfEmpty(0).Max();
        var thumbnails = new Dictionary<(string, BoundingBox?), (string? Uri, string? Problem)>();
        var html = new StringBuilder();
        html.Append("<div class=\"oml-retrieval-grid\" style=\"font-family:sans-serif;font-size:12px\">\n");
        if (!string.IsNullOrEmpty(title))
        {
            html.Append("<div style=\"font-weight:bold;margin:4px 0\">").Append(Escape(title)).Append("</div>\n");
        }
        html.Append("<table style=\"border-collapse:separate;border-spacing:4px\">\n");
        foreach (var row in rows)
        {
            // an explicit white background: Jupyter's stylesheet stripes table rows, which looks like empty image tiles
            html.Append("<tr style=\"background:#fff\">");
            AppendCell(html, row.Query, thumbnailSize, border, thumbnails);
            foreach (var tile in row.Results) AppendCell(html, tile, thumbnailSize, border, thumbnails);
            if (row.Results.Count == 0 && resultColumns > 0)
            {
                html.Append("<td style=\"color:#888;vertical-align:middle;text-align:center\">no results</td>");
            }
            for (var i = Math.Max(row.Results.Count, 1); i < resultColumns; i++) html.Append("<td></td>");
            foreach (var tile in row.GroundTruth) AppendCell(html, tile, thumbnailSize, border, thumbnails);
            html.Append("</tr>\n");
        }
        html.Append("</table>\n</div>\n");
        return html.ToString();
    }

    private static void AppendCell(
        StringBuilder html, ImageTile tile, int size, int border, Dictionary<(string, BoundingBox?), (string? Uri, string? Problem)> thumbnails)
    {
        var key = (tile.ImagePath, tile.Box);
        if (!thumbnails.TryGetValue(key, out var thumbnail))
        {
            try
            {
                thumbnail = (Thumbnail.HtmlDataUri(tile.ImagePath, tile.Box, size), null);
            }
            catch (OmlException e)
            {
                thumbnail = (null, e.Message);
            }
            thumbnails[key] = thumbnail;
        }
        var box = $"width:{size + 2 * border}px;height:{size + 2 * border}px;box-sizing:border-box;border:{border}px solid {TileColors.Css(tile.Kind)}";
        var caption = Escape(tile.Caption);
        html.Append("<td style=\"vertical-align:top;text-align:center\">");
        if (thumbnail.Uri is not null)
        {
            html.Append("<img src=\"").Append(thumbnail.Uri).Append("\" alt=\"").Append(caption)
                .Append("\" title=\"").Append(Escape(tile.ImagePath))
                .Append("\" style=\"display:block;margin:auto;object-fit:contain;background:#fff;").Append(box).Append("\">");
        }
        else
        {
            html.Append("<div title=\"").Append(Escape(thumbnail.Problem ?? "")).Append("\" style=\"display:flex;align-items:center;justify-content:center;margin:auto;background:#e6e6e6;color:#5a5a5a;")
                .Append(box).Append("\">missing</div>");
        }
        html.Append("<div style=\"max-width:").Append(size + 2 * border).Append("px;overflow-wrap:anywhere\">").Append(caption).Append("</div></td>");
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
