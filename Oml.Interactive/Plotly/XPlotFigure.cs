using System.Text;
using System.Text.Json.Nodes;
using Oml.Visualization;
using XPlot.Plotly;

namespace Oml.Interactive;

/// <summary>
/// An XPlot.Plotly chart as plotly.js data and layout (what its GetInlineHtml would plot), a static SVG preview of it
/// and a one-line summary.
/// </summary>
internal sealed class XPlotFigure(JsonArray data, JsonObject layout, int width, int height)
{
    private const string DataPrefix = "var data = ";
    private const string LayoutPrefix = "var layout = ";

    public JsonArray Data { get; } = data;

    /// <summary>The chart's layout with titles in plotly.js 3 form; its size comes from the chart when the layout has none.</summary>
    public JsonObject Layout { get; } = layout;

    public int Width { get; } = width;

    public int Height { get; } = height;

    public static XPlotFigure From(PlotlyChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        // XPlot 4.1.0 writes "var data = <json>;" and "var layout = <json>;" on lines of their own, the JSON on one
        // line; layout is "" when the chart has none
        var lines = chart.GetPlottingJS().Split('\n').Select(l => l.Trim()).ToArray();
        var data = Parse(lines, DataPrefix) as JsonArray
                   ?? throw Unexpected("its data is not a JSON array");
        var layout = Parse(lines, LayoutPrefix) as JsonObject ?? new JsonObject();
        PlotlyTitles.Upgrade(data);
        PlotlyTitles.Upgrade(layout);
        layout["width"] ??= chart.Width;
        layout["height"] ??= chart.Height;
        return new XPlotFigure(data, layout, chart.Width, chart.Height);
    }

    public string Html() => PlotlyHtml.Figure(Data, Layout, FallbackHtml());

    /// <summary>E.g. <c>PlotlyChart: 2 traces (scatter, bar), title "loss"</c>.</summary>
    public string Text()
    {
        var types = Data.Select(TraceType).ToArray();
        var text = new StringBuilder("PlotlyChart: ").Append(types.Length).Append(types.Length == 1 ? " trace" : " traces");
        if (types.Length > 0) text.Append(" (").Append(string.Join(", ", types)).Append(')');
        if (Title(Layout) is { Length: > 0 } title) text.Append(", title \"").Append(title).Append('"');
        return text.ToString();
    }

    /// <summary>
    /// Traces with numeric y values (scatter, line, bar) drawn as lines in an SVG; the rest are named under it.
    /// </summary>
    public string FallbackHtml()
    {
        var chart = new SvgLineChart(Title(Layout) ?? "", Math.Max(Width, 120), Math.Max(Height, 80))
        {
            XLabel = Title(Layout["xaxis"]),
            YLabel = Title(Layout["yaxis"]),
            IntegerX = false,
        };
        var skipped = new List<string>();
        for (var i = 0; i < Data.Count; i++)
        {
            var trace = (JsonObject)Data[i]!;
            var name = trace["name"] is JsonValue n && n.TryGetValue(out string? s) ? s : $"trace {i + 1}";
            if (Points(trace) is { } points) chart.Add(name, points);
            else skipped.Add($"{name} ({TraceType(trace)})");
        }
        var html = new StringBuilder("<div>").Append(chart.Svg()).Append("</div>");
        html.Append("<div style=\"font:11px sans-serif;color:#777\">Static preview");
        if (skipped.Count > 0) html.Append(" without ").Append(System.Net.WebUtility.HtmlEncode(string.Join(", ", skipped)));
        html.Append(": the interactive chart needs a page that runs scripts.</div>");
        return html.ToString();
    }

    private static IEnumerable<(double X, double Y)>? Points(JsonObject trace)
    {
        if (TraceType(trace) is not ("scatter" or "scattergl" or "bar") || trace["y"] is not JsonArray ys) return null;
        var x = trace["x"] as JsonArray;
        var xs = x is not null && x.Count == ys.Count && x.All(v => PlotlyJson.Number(v) is not null) ? x.Select(v => PlotlyJson.Number(v)!.Value).ToArray() : null;
        var points = new List<(double X, double Y)>();
        for (var i = 0; i < ys.Count; i++)
        {
            // null is a gap, as in plotly.js
            if (ys[i] is null) points.Add((xs?[i] ?? i, double.NaN));
            else if (PlotlyJson.Number(ys[i]) is { } y) points.Add((xs?[i] ?? i, y));
            else return null;
        }
        return points;
    }

    private static string TraceType(JsonNode? trace) =>
        trace?["type"] is JsonValue t && t.TryGetValue(out string? type) ? type : "scatter";

    private static string? Title(JsonNode? owner) =>
        owner?["title"]?["text"] is JsonValue t && t.TryGetValue(out string? text) ? text : null;

    private static JsonNode? Parse(string[] lines, string prefix)
    {
        var line = lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal) && l.EndsWith(';'))
                   ?? throw Unexpected($"it has no line \"{prefix}...;\"");
        try
        {
            return JsonNode.Parse(line[prefix.Length..^1]);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw Unexpected($"\"{prefix}...\" is not JSON ({e.Message})");
        }
    }

    private static InvalidOperationException Unexpected(string what) =>
        new($"XPlot.Plotly's chart script (PlotlyChart.GetPlottingJS) has an unexpected form: {what}. " +
            $"Oml.Interactive reads the form of XPlot.Plotly 4.1.0; this process loaded {typeof(PlotlyChart).Assembly.GetName().Version}.");
}
