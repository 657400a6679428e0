using System.Globalization;
using System.Text;
using Oml.Metrics;

namespace Oml.Visualization;

/// <summary>
/// Metrics with OML's flat names (<c>OVERALL/cmc/1</c>, <c>shoes/precision/5</c>) as a table: one row per category
/// (OVERALL first, then the categories in order), one column per metric (<c>cmc/1</c>, <c>precision/5</c>, ...; by
/// family, then k). Optionally compares two dictionaries (e.g. without and with a postprocessor): each category then
/// has a row per dictionary and a row with the difference (second minus first, green when it is an improvement).
/// Names without a category (no <c>/</c>) are shown under "(other)".
/// </summary>
public sealed class MetricsView : IView
{
    private readonly IReadOnlyList<(string Name, IReadOnlyDictionary<string, double> Metrics)> _columns;
    private readonly string? _title;

    /// <summary>One set of metrics as a table (one row per category).</summary>
    public MetricsView(IReadOnlyDictionary<string, double> metrics, string? title = null)
        : this([("", metrics)], title)
    {
    }

    /// <summary>
    /// Several sets side by side (e.g. no postprocessing, then each postprocessor): per category a row per set and, for
    /// every set after the first, its difference to the first (green where it improves).
    /// </summary>
    public MetricsView(IReadOnlyList<(string Name, IReadOnlyDictionary<string, double> Metrics)> columns, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ArgumentException("at least one set of metrics is needed", nameof(columns));
        foreach (var (_, m) in columns) ArgumentNullException.ThrowIfNull(m);
        (_columns, _title) = (columns, title);
    }

    public string ToHtml() => Render(_columns, _title);

    public override string ToString() => RenderText(_columns);


    public const string OtherGroup = "(other)";

    private static readonly string[] Families =
        [MetricNames.Cmc, MetricNames.Precision, MetricNames.Map, MetricNames.MapAtR, MetricNames.RPrecision, MetricNames.Pcf, MetricNames.FnmrAtFmr];

    internal static string Html(IReadOnlyDictionary<string, double> metrics, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return Render([("", metrics)], title);
    }

    /// <summary>Two dictionaries side by side, with the difference <paramref name="second"/> - <paramref name="first"/>.</summary>
    internal static string Html(
        IReadOnlyDictionary<string, double> first, IReadOnlyDictionary<string, double> second,
        string firstName = "without postprocessor", string secondName = "with postprocessor", string? title = null)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return Render([(firstName, first), (secondName, second)], title);
    }

    internal static string Text(IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return RenderText([("", metrics)]);
    }

    internal static string Text(
        IReadOnlyDictionary<string, double> first, IReadOnlyDictionary<string, double> second,
        string firstName = "without postprocessor", string secondName = "with postprocessor")
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return RenderText([(firstName, first), (secondName, second)]);
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

    private static string DifferenceColor(string metric, double difference) =>
        difference == 0 ? "#555" : (LowerIsBetter(metric) ? difference < 0 : difference > 0) ? "#1a7f37" : "#c62828";

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
                    html.Append("<td style=\"").Append(ViewHtml.TdNumber).Append("\">").Append(value is { } v ? ViewHtml.Number(v, "0.0000") : "");
                    if (sets.Count > 2 && s > 0 && value is { } current && Value(sets[0].Metrics, category, column) is { } reference && double.IsFinite(current - reference))
                    {
                        html.Append(" <span style=\"color:").Append(DifferenceColor(column, current - reference)).Append("\">(")
                            .Append(Signed(current - reference)).Append(")</span>");
                    }
                    html.Append("</td>");
                }
                html.Append("</tr>\n");
            }
            if (sets.Count != 2) continue;
            html.Append("<tr class=\"oml-metrics-diff\"><td style=\"").Append(ViewHtml.Td).Append(";color:#555\">difference</td>");
            foreach (var column in columns)
            {
                var a = Value(sets[0].Metrics, category, column);
                var b = Value(sets[^1].Metrics, category, column);
                html.Append("<td style=\"").Append(ViewHtml.TdNumber);
                if (a is { } x && b is { } y && double.IsFinite(y - x))
                {
                    var d = y - x;
                    html.Append(";color:").Append(DifferenceColor(column, d)).Append("\">").Append(Signed(d));
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
            if (sets.Count == 2)
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
