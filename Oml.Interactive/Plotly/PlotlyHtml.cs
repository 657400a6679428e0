using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Oml.Visualization;

namespace Oml.Interactive;

/// <summary>
/// Composes the HTML of an interactive plotly.js chart (zoom, pan, hover) that also reads without scripts: a
/// container shows <c>fallbackHtml</c> (a static SVG) and a script replaces it with <c>Plotly.newPlot</c> when scripts
/// run. plotly.js comes from this assembly (plotly.js-basic-dist-min: scatter, bar and pie traces), never from a CDN.
/// </summary>
/// <remarks>
/// <para>
/// The bundle (about 530 kB, gzipped and base64-encoded) goes into one output per kernel session: the first figure
/// composed by <see cref="Figure(JsonNode, JsonNode?, string)"/> carries it, and the page decodes it once into
/// <c>window.Plotly</c>. Every other figure waits up to <see cref="WaitForPlotlyMilliseconds"/> for it and otherwise
/// keeps its fallback. That serves a live notebook, a saved notebook opened again (all outputs render at once, so a
/// figure above the one that carries the bundle waits for it) and an nbconvert HTML export. Where scripts do not run
/// (GitHub's notebook view, a notebook Jupyter does not trust) every figure shows its fallback.
/// </para>
/// <para>
/// The rule to know: if the output that carried the bundle is cleared or replaced (its cell re-run, or a display
/// updated in place), the open page still has plotly.js but the saved notebook no longer does, and when it is opened
/// again its figures show their fallback. Restarting the kernel and running all cells, or calling
/// <see cref="ResetSession"/> before re-running a chart cell, puts the bundle into an output again. For the same
/// reason a display that is updated live should stay static (SVG) and only its final value be interactive.
/// </para>
/// </remarks>
public static class PlotlyHtml
{
    /// <summary>How long a figure without the bundle waits for <c>window.Plotly</c> before it keeps its fallback.</summary>
    public const int WaitForPlotlyMilliseconds = 10_000;

    private static readonly JsonSerializerOptions ScriptJson = new()
    {
        // escapes <, >, & and non-ASCII, so the JSON cannot end the <script> element it is written into
        Encoder = JavaScriptEncoder.Default,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static int _bundleSent;

    /// <summary>Whether a figure of this session (process) has already carried the plotly.js bundle.</summary>
    public static bool BundleSent => Volatile.Read(ref _bundleSent) == 1;

    /// <summary>The next figure carries the bundle again (a fresh page, a test, an output that carried it was cleared).</summary>
    public static void ResetSession() => Interlocked.Exchange(ref _bundleSent, 0);

    /// <summary>
    /// One figure; the first of the session also carries plotly.js (see the remarks on <see cref="PlotlyHtml"/>).
    /// </summary>
    /// <param name="data">plotly.js traces: a JSON array of objects such as <c>{"type":"scatter","x":[..],"y":[..]}</c>.</param>
    /// <param name="layout">plotly.js layout, or null. Its <c>width</c> is taken as the maximum width: the chart
    /// fills its output up to it. Titles in plotly.js 1.x form (<c>"title":"t"</c>) are converted.</param>
    /// <param name="fallbackHtml">What shows where scripts do not run, and until plotly.js has drawn the chart.</param>
    public static string Figure(JsonNode data, JsonNode? layout, string fallbackHtml)
    {
        var (traces, plotLayout) = Prepare(data, layout, fallbackHtml);
        return Compose(traces, plotLayout, fallbackHtml, includeBundle: Interlocked.Exchange(ref _bundleSent, 1) == 0);
    }

    /// <summary>One figure, with or without the plotly.js bundle, whatever the session has sent (for a page put together by hand).</summary>
    public static string Figure(JsonNode data, JsonNode? layout, string fallbackHtml, bool includeBundle)
    {
        var (traces, plotLayout) = Prepare(data, layout, fallbackHtml);
        return Compose(traces, plotLayout, fallbackHtml, includeBundle);
    }

    /// <summary>Checked copies of the caller's JSON, titles upgraded.</summary>
    private static (JsonArray Traces, JsonObject Layout) Prepare(JsonNode data, JsonNode? layout, string fallbackHtml)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(fallbackHtml);
        if (data is not JsonArray traces || traces.Any(t => t is not JsonObject))
        {
            throw new ArgumentException("plotly.js data must be a JSON array of trace objects, e.g. [{\"type\":\"scatter\",\"y\":[1,2]}].", nameof(data));
        }
        if (layout is not null and not JsonObject)
        {
            throw new ArgumentException("plotly.js layout must be a JSON object (or null).", nameof(layout));
        }
        traces = (JsonArray)traces.DeepClone();
        var plotLayout = (JsonObject?)layout?.DeepClone() ?? new JsonObject();
        PlotlyTitles.Upgrade(traces);
        PlotlyTitles.Upgrade(plotLayout);
        return (traces, plotLayout);
    }

    private static string Compose(JsonArray traces, JsonObject plotLayout, string fallbackHtml, bool includeBundle)
    {
        var maxWidth = PlotlyJson.Number(plotLayout["width"]) is { } width && width > 0 ? width : (double?)null;
        plotLayout.Remove("width");

        var id = "oml-plotly-" + Guid.NewGuid().ToString("N");
        var html = new StringBuilder();
        if (includeBundle) html.Append(BundleScript());
        html.Append("<div class=\"oml-plotly\" id=\"").Append(id).Append('"');
        if (maxWidth is { } max) html.Append(" style=\"max-width:").Append(max.ToString("0.##", CultureInfo.InvariantCulture)).Append("px\"");
        html.Append("><div class=\"oml-plotly-fallback\">").Append(fallbackHtml).Append("</div></div>\n");
        html.Append("<script>\n(function () {\n")
            .Append("  var root = document.getElementById(\"").Append(id).Append("\");\n")
            .Append("  var data = ").Append(traces.ToJsonString(ScriptJson)).Append(";\n")
            .Append("  var layout = ").Append(plotLayout.ToJsonString(ScriptJson)).Append(";\n")
            .Append("  var deadline = Date.now() + ").Append(WaitForPlotlyMilliseconds).Append(";\n")
            .Append(FigureScript)
            .Append("})();\n</script>\n");
        return html.ToString();
    }

    /// <summary>
    /// The interactive version of one of Oml's static line charts (training history, metrics per epoch): same series,
    /// title and axis labels, the SVG as its fallback.
    /// </summary>
    public static string Figure(SvgLineChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var data = new JsonArray();
        foreach (var series in chart.Series)
        {
            var x = new JsonArray();
            var y = new JsonArray();
            foreach (var (px, py) in series.Points)
            {
                var finite = double.IsFinite(px) && double.IsFinite(py);
                x.Add(finite ? JsonValue.Create(px) : null);
                y.Add(finite ? JsonValue.Create(py) : null);
            }
            data.Add(new JsonObject
            {
                ["type"] = "scatter",
                ["mode"] = series.Points.Count <= SvgLineChart.MarkersUpTo ? "lines+markers" : "lines",
                ["name"] = series.Name,
                ["x"] = x,
                ["y"] = y,
                ["line"] = new JsonObject { ["color"] = series.Color, ["width"] = 1.5 },
                ["marker"] = new JsonObject { ["size"] = 4 },
            });
        }
        var layout = new JsonObject
        {
            ["title"] = new JsonObject { ["text"] = chart.Title, ["font"] = new JsonObject { ["size"] = 14 } },
            ["width"] = Math.Max(chart.Width, 480),
            ["height"] = Math.Max(chart.Height, 280),
            ["margin"] = new JsonObject { ["l"] = 56, ["r"] = 16, ["t"] = 36, ["b"] = 44 },
            ["showlegend"] = chart.Series.Count > 1,
            ["legend"] = new JsonObject { ["orientation"] = "h", ["y"] = -0.2 },
            ["xaxis"] = Axis(chart.XLabel),
            ["yaxis"] = Axis(chart.YLabel),
        };
        return Figure(data, layout, chart.Svg());
    }

    private static JsonObject Axis(string? label)
    {
        var axis = new JsonObject { ["zeroline"] = false };
        if (label is not null) axis["title"] = new JsonObject { ["text"] = label };
        return axis;
    }

    /// <summary>
    /// The script that puts plotly.js into the page (<c>window.Plotly</c>) unless it is there already; figures
    /// composed with <see cref="Figure(JsonNode, JsonNode?, string)"/> include it once per session by themselves.
    /// </summary>
    public static string BundleScript() =>
        $"<script>\n/* {PlotlyBundle.Package} {PlotlyBundle.Version} (MIT licence, Plotly, Inc.), gzipped; loaded once per page by Oml.Interactive */\n" +
        "(function () {\n" +
        "  if (window.Plotly || window.omlPlotly || typeof DecompressionStream === \"undefined\") return;\n" +
        $"  var packed = \"{PlotlyBundle.GzipBase64}\";\n" +
        BundleLoader +
        "})();\n</script>\n";

    // window.omlPlotly is the promise figures wait on; the bundle's last statement sets window.Plotly
    private const string BundleLoader = """
          window.omlPlotly = (async function () {
            var bytes = Uint8Array.from(atob(packed), function (c) { return c.charCodeAt(0); });
            var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
            var code = await new Response(stream).text();
            if (!window.Plotly) {
              var script = document.createElement("script");
              script.text = code;
              document.head.appendChild(script);
            }
            return window.Plotly;
          })();
          window.omlPlotly.catch(function (e) { console.error("Oml.Interactive: plotly.js did not load", e); });

        """;

    // draws once (a re-run script finds the plot), and hides the fallback only after plotly.js has drawn;
    // no plotly.com logo link and no "Share chart" button (plotly.js 4 uploads the chart to Plotly Cloud with it)
    private const string FigureScript = """
          function draw(Plotly) {
            if (!root || !Plotly || root.querySelector(".oml-plotly-plot")) return;
            var plot = document.createElement("div");
            plot.className = "oml-plotly-plot";
            root.appendChild(plot);
            var fail = function (e) { root.removeChild(plot); console.error("Oml.Interactive: plotly.js could not draw the chart", e); };
            try {
              Plotly.newPlot(plot, data, layout, { responsive: true, displaylogo: false, showSendToCloud: false }).then(function () {
                var fallback = root.querySelector(".oml-plotly-fallback");
                if (fallback) fallback.style.display = "none";
              }, fail);
            } catch (e) { fail(e); }
          }
          (function wait() {
            if (window.Plotly) draw(window.Plotly);
            else if (window.omlPlotly) window.omlPlotly.then(draw, function () {});
            else if (Date.now() < deadline) setTimeout(wait, 100);
          })();

        """;
}
