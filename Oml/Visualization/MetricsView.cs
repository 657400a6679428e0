using System.Globalization;
using System.Text;
using Oml.Metrics;
using Oml.Pipelines;

namespace Oml.Visualization;

/// <summary>
/// Metrics with OML's flat names (<c>OVERALL/cmc/1</c>, <c>shoes/precision/5</c>) as a table: one row per category
/// (OVERALL first, then the categories in order), one column per metric (<c>cmc/1</c>, <c>precision/5</c>, ...; by
/// family, then k). Optionally compares two dictionaries (e.g. without and with a postprocessor): each category then
/// has a row per dictionary and a row with the difference (second minus first, green when it is an improvement).
/// Names without a category (no <c>/</c>) are shown under "(other)".
/// </summary>
public static class MetricsView
{
    public const string OtherGroup = "(other)";

    private static readonly string[] Families =
        [MetricNames.Cmc, MetricNames.Precision, MetricNames.Map, MetricNames.MapAtR, MetricNames.RPrecision, MetricNames.Pcf, MetricNames.FnmrAtFmr];

    public static string Html(IReadOnlyDictionary<string, double> metrics, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return Render([("", metrics)], title);
    }

    /// <summary>Two dictionaries side by side, with the difference <paramref name="second"/> - <paramref name="first"/>.</summary>
    public static string Html(
        IReadOnlyDictionary<string, double> first, IReadOnlyDictionary<string, double> second,
        string firstName = "without postprocessor", string secondName = "with postprocessor", string? title = null)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return Render([(firstName, first), (secondName, second)], title);
    }

    /// <summary>The metrics of a validation run, compared with the plain embeddings' when a postprocessor was used.</summary>
    public static string Html(ValidationRunResult run, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.WithoutPostprocessor is { } plain
            ? Html(plain.Metrics, run.Result.Metrics, title: title)
            : Html(run.Result.Metrics, title);
    }

    public static string Text(IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return RenderText([("", metrics)]);
    }

    public static string Text(
        IReadOnlyDictionary<string, double> first, IReadOnlyDictionary<string, double> second,
        string firstName = "without postprocessor", string secondName = "with postprocessor")
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return RenderText([(firstName, first), (secondName, second)]);
    }

    public static string Text(ValidationRunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.WithoutPostprocessor is { } plain ? Text(plain.Metrics, run.Result.Metrics) : Text(run.Result.Metrics);
    }

    /// <summary>Splits a flat name into its category (OVERALL, a category, or <see cref="OtherGroup"/>) and the metric (<c>cmc/1</c>).</summary>
    public static (string Category, string Metric) Split(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var slash = name.IndexOf('/');
        return slash <= 0 ? (OtherGroup, name) : (name[..slash], name[(slash + 1)..]);
    }

    /// <summary>Categories in display order: OVERALL, then the others by first appearance, "(other)" last.</summary>
    public static IReadOnlyList<string> Categories(IEnumerable<string> names) =>
        names.Select(n => Split(n).Category).Distinct(StringComparer.Ordinal)
            .OrderBy(c => c == MetricNames.Overall ? 0 : c == OtherGroup ? 2 : 1).ToArray();

    /// <summary>Metric columns in display order: OML's families (cmc, precision, map, ...) then others alphabetically; k ascending.</summary>
    public static IReadOnlyList<string> Columns(IEnumerable<string> names) =>
        names.Select(n => Split(n).Metric).Distinct(StringComparer.Ordinal)
            .OrderBy(m => FamilyRank(m)).ThenBy(m => m.Split('/')[0], StringComparer.Ordinal)
            .ThenBy(m => double.TryParse(m.Split('/').Length > 1 ? m.Split('/')[^1] : "", NumberStyles.Float, CultureInfo.InvariantCulture, out var k) ? k : double.MaxValue)
            .ThenBy(m => m, StringComparer.Ordinal)
            .ToArray();

    private static int FamilyRank(string metric)
    {
        var index = Array.IndexOf(Families, metric.Split('/')[0]);
        return index < 0 ? Families.Length : index;
    }

    private static bool LowerIsBetter(string metric) => metric.Split('/')[0] == MetricNames.FnmrAtFmr;

    private static double? Value(IReadOnlyDictionary<string, double> metrics, string category, string metric) =>
        metrics.TryGetValue(category == OtherGroup ? metric : $"{category}/{metric}", out var v) ? v : null;

    private static string Render(IReadOnlyList<(string Name, IReadOnlyDictionary<string, double> Metrics)> sets, string? title)
    {
        var names = sets.SelectMany(s => s.Metrics.Keys).ToArray();
        var categories = Categories(names);
        var columns = Columns(names);
        var compare = sets.Count > 1;
        var html = ViewHtml.OpenView(new StringBuilder(), "oml-metrics", title);
        if (names.Length == 0)
        {
            html.Append("<div style=\"color:#888\">no metrics</div>\n</div>\n");
            return html.ToString();
        }
        html.Append("<table style=\"").Append(ViewHtml.Table).Append("\">\n<tr><th style=\"").Append(ViewHtml.Th).Append("\">category</th>");
        if (compare) html.Append("<th style=\"").Append(ViewHtml.Th).Append("\"></th>");
        foreach (var column in columns) html.Append("<th style=\"").Append(ViewHtml.Th).Append("\">").Append(ViewHtml.Escape(column)).Append("</th>");
        html.Append("</tr>\n");
        foreach (var category in categories)
        {
            var span = compare ? sets.Count + 1 : 1;
            for (var s = 0; s < sets.Count; s++)
            {
                html.Append("<tr class=\"oml-metrics-row\">");
                if (s == 0)
                {
                    html.Append("<th rowspan=\"").Append(span).Append("\" style=\"").Append(ViewHtml.Th).Append(";vertical-align:top\">")
                        .Append(ViewHtml.Escape(category)).Append("</th>");
                }
                if (compare) html.Append("<td style=\"").Append(ViewHtml.Td).Append(";color:#555\">").Append(ViewHtml.Escape(sets[s].Name)).Append("</td>");
                foreach (var column in columns)
                {
                    var value = Value(sets[s].Metrics, category, column);
                    html.Append("<td style=\"").Append(ViewHtml.TdNumber).Append("\">").Append(value is { } v ? ViewHtml.Number(v, "0.0000") : "").Append("</td>");
                }
                html.Append("</tr>\n");
            }
            if (!compare) continue;
            html.Append("<tr class=\"oml-metrics-diff\"><td style=\"").Append(ViewHtml.Td).Append(";color:#555\">difference</td>");
            foreach (var column in columns)
            {
                var a = Value(sets[0].Metrics, category, column);
                var b = Value(sets[^1].Metrics, category, column);
                html.Append("<td style=\"").Append(ViewHtml.TdNumber);
                if (a is { } x && b is { } y && double.IsFinite(y - x))
                {
                    var d = y - x;
                    var better = LowerIsBetter(column) ? d < 0 : d > 0;
                    var color = d == 0 ? "#555" : better ? "#1a7f37" : "#c62828";
                    html.Append(";color:").Append(color).Append("\">").Append(Signed(d));
                }
                else
                {
                    html.Append("\">");
                }
                html.Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</table>\n</div>\n");
        return html.ToString();
    }

    private static string RenderText(IReadOnlyList<(string Name, IReadOnlyDictionary<string, double> Metrics)> sets)
    {
        var names = sets.SelectMany(s => s.Metrics.Keys).ToArray();
        if (names.Length == 0) return "no metrics\n";
        var columns = Columns(names);
        var compare = sets.Count > 1;
        var header = new List<string> { "category" };
        if (compare) header.Add("");
        header.AddRange(columns);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var category in Categories(names))
        {
            foreach (var (name, metrics) in sets)
            {
                var row = new List<string> { category };
                if (compare) row.Add(name);
                row.AddRange(columns.Select(c => Value(metrics, category, c) is { } v ? ViewHtml.Number(v, "0.0000") : ""));
                rows.Add(row);
            }
            if (compare)
            {
                var row = new List<string> { category, "difference" };
                row.AddRange(columns.Select(c => Value(sets[0].Metrics, category, c) is { } a && Value(sets[^1].Metrics, category, c) is { } b ? Signed(b - a) : ""));
                rows.Add(row);
            }
        }
        return ViewHtml.TextTable(header, rows);
    }

    private static string Signed(double d) => (d > 0 ? "+" : "") + ViewHtml.Number(d, "0.0000");
}
