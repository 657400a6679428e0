using System.Globalization;
using System.Net;
using System.Text;

namespace Oml.Visualization;

/// <summary>Shared bits of the notebook views: escaping, invariant number formatting, table styles, the categorical palette.</summary>
internal static class ViewHtml
{
    public const string Font = "font-family:sans-serif;font-size:12px;color:#222";
    public const string Table = "border-collapse:collapse;margin:4px 0";
    public const string Th = "border:1px solid #ccc;padding:2px 6px;background:#f2f2f2;text-align:left;font-weight:bold";
    public const string Td = "border:1px solid #ccc;padding:2px 6px;text-align:left";
    public const string TdNumber = "border:1px solid #ccc;padding:2px 6px;text-align:right;font-variant-numeric:tabular-nums";
    public const string Heading = "font-weight:bold;margin:6px 0 2px 0";

    /// <summary>Tableau's 20 categorical colours (matplotlib <c>tab20</c>, dark shades first, then light ones).</summary>
    public static readonly string[] Palette =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
        "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
    ];

    public static string Escape(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Number(double value, string format = "0.####") =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A number for SVG coordinates: two decimals, invariant culture.</summary>
    public static string Coordinate(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Int(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Duration(double seconds)
    {
        if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds < 0) return "-";
        var time = TimeSpan.FromSeconds(Math.Round(seconds));
        return time.TotalHours >= 1 ? $"{(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}" : $"{time.Minutes}:{time.Seconds:00}";
    }

    public static StringBuilder OpenView(StringBuilder html, string cssClass, string? title)
    {
        html.Append("<div class=\"").Append(cssClass).Append("\" style=\"").Append(Font).Append("\">\n");
        if (!string.IsNullOrEmpty(title)) html.Append("<div style=\"font-weight:bold;font-size:14px;margin:4px 0\">").Append(Escape(title)).Append("</div>\n");
        return html;
    }

    public static void KeyValueTable(StringBuilder html, IEnumerable<(string Name, string Value)> lines)
    {
        html.Append("<table class=\"oml-kv\" style=\"").Append(Table).Append("\">\n");
        foreach (var (name, value) in lines)
        {
            html.Append("<tr><th style=\"").Append(Th).Append("\">").Append(Escape(name)).Append("</th><td style=\"").Append(Td).Append("\">")
                .Append(Escape(value)).Append("</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    /// <summary>An HTML table: a header row, then one row per cell list; columns for which <paramref name="numeric"/> holds are right-aligned.</summary>
    public static void DataTable(StringBuilder html, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, Func<int, bool> numeric)
    {
        html.Append("<table style=\"").Append(Table).Append("\">\n<tr>");
        foreach (var h in header) html.Append("<th style=\"").Append(Th).Append("\">").Append(Escape(h)).Append("</th>");
        html.Append("</tr>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            for (var i = 0; i < row.Count; i++) html.Append("<td style=\"").Append(numeric(i) ? TdNumber : Td).Append("\">").Append(Escape(row[i])).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
    }

    /// <summary>Plain-text table: columns padded to their widest cell, numbers right-aligned.</summary>
    public static string TextTable(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = header.Select((h, i) => rows.Select(r => i < r.Count ? r[i].Length : 0).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(IReadOnlyList<string> cells)
        {
            for (var i = 0; i < widths.Length; i++)
            {
                var cell = i < cells.Count ? cells[i] : "";
                if (i > 0) text.Append("  ");
                text.Append(i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]));
            }
            text.Append('\n');
        }
        Line(header);
        text.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (var row in rows) Line(row);
        return text.ToString();
    }

    /// <summary>A 480 px bar filled to <paramref name="fraction"/> with <paramref name="label"/> on it.</summary>
    public static void ProgressBar(StringBuilder html, double fraction, string label)
    {
        var percent = Math.Clamp(fraction, 0, 1) * 100;
        html.Append("<div class=\"oml-progress\" style=\"position:relative;width:480px;height:16px;background:#eee;border:1px solid #ccc;margin:3px 0\">")
            .Append("<div style=\"width:").Append(Number(percent, "0.#")).Append("%;height:100%;background:#4c9be8\"></div>")
            .Append("<div style=\"position:absolute;left:6px;top:0;line-height:16px;font-size:11px\">").Append(Escape(label)).Append("</div></div>\n");
    }
}
