using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Oml.Interactive;
using Oml.Visualization;
using static Oml.Tests.Interactive.PlotlyAssert;

namespace Oml.Tests.Interactive;

/// <summary>
/// The plotly.js figure composer: no CDN anywhere, the embedded bundle once per session, titles in the form plotly.js 3
/// accepts, and the bundle that is embedded is npm's tarball unchanged. (The session flag is process-global: the
/// kernel collection runs these one at a time.)
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class PlotlyHtmlTests : IDisposable
{
    public PlotlyHtmlTests() => PlotlyHtml.ResetSession();

    private static JsonArray Traces() => JsonNode.Parse("""[{"type":"scatter","x":[1,2,3],"y":[0.5,0.25,0.125],"name":"loss"}]""")!.AsArray();

    [Fact]
    public void The_first_figure_of_a_session_carries_the_bundle_and_the_next_does_not()
    {
        var first = PlotlyHtml.Figure(Traces(), null, "<svg class=\"fallback\"></svg>");
        var second = PlotlyHtml.Figure(Traces(), null, "<svg class=\"fallback\"></svg>");

        Offline(first);
        Offline(second);
        Assert.True(PlotlyHtml.BundleSent);
        Assert.Equal(1, Count(first + second, PlotlyBundle.GzipBase64));
        Assert.Contains(PlotlyBundle.GzipBase64, first);
        Assert.Contains("<svg class=\"fallback\"></svg>", first);
        Assert.Contains("<svg class=\"fallback\"></svg>", second);
        Assert.Contains("window.omlPlotly.then(draw", second);
        Assert.True(second.Length < 4_000, $"a figure without the bundle is {second.Length} characters");

        PlotlyHtml.ResetSession();
        Assert.False(PlotlyHtml.BundleSent);
        Assert.Contains(PlotlyBundle.GzipBase64, PlotlyHtml.Figure(Traces(), null, ""));
    }

    [Fact]
    public void A_figure_can_ask_for_the_bundle_or_leave_it_out_whatever_the_session_sent()
    {
        Assert.Contains(PlotlyBundle.GzipBase64, PlotlyHtml.Figure(Traces(), null, "", includeBundle: true));
        Assert.DoesNotContain(PlotlyBundle.GzipBase64, PlotlyHtml.Figure(Traces(), null, "", includeBundle: false));
        Assert.False(PlotlyHtml.BundleSent);
        Assert.Contains(PlotlyBundle.GzipBase64, PlotlyHtml.BundleScript());
    }

    [Fact]
    public void Titles_in_plotly_1_form_are_converted_and_the_inputs_are_left_alone()
    {
        var traces = JsonNode.Parse("""[{"type":"pie","values":[1,2],"title":"share","marker":{"colorbar":{"title":"c","titleside":"right"}}}]""")!;
        var layout = JsonNode.Parse("""{"title":"loss","titlefont":{"size":20},"xaxis":{"title":"epoch"},"yaxis2":{"title":{"text":"kept"}},"legend":{"title":"split"}}""")!;
        var before = traces.ToJsonString() + layout.ToJsonString();

        var html = PlotlyHtml.Figure(traces, layout, "", includeBundle: false);

        Assert.Equal(before, traces.ToJsonString() + layout.ToJsonString());
        Assert.Contains("\"title\":{\"text\":\"loss\",\"font\":{\"size\":20}}", html);
        Assert.Contains("\"xaxis\":{\"title\":{\"text\":\"epoch\"}}", html);
        Assert.Contains("\"yaxis2\":{\"title\":{\"text\":\"kept\"}}", html);
        Assert.Contains("\"legend\":{\"title\":{\"text\":\"split\"}}", html);
        Assert.Contains("\"title\":{\"text\":\"share\"}", html);
        Assert.Contains("\"colorbar\":{\"title\":{\"text\":\"c\",\"side\":\"right\"}}", html);
        Assert.DoesNotContain("titlefont", html);
        Assert.DoesNotContain("\"title\":\"", html);
    }

    [Fact]
    public void Layout_width_becomes_the_maximum_width_and_json_cannot_end_the_script()
    {
        var traces = JsonNode.Parse("""[{"type":"bar","x":["</script><script>alert(1)</script>"],"y":[1]}]""")!;
        var html = PlotlyHtml.Figure(traces, JsonNode.Parse("""{"width":640,"height":300}"""), "", includeBundle: false);

        Assert.Contains("style=\"max-width:640px\"", html);
        Assert.DoesNotContain("\"width\":640", html);
        Assert.Contains("\"height\":300", html);
        Assert.Equal(1, Count(html, "</script>"));
        Assert.Contains("\\u003C/script\\u003E", html);
    }

    [Fact]
    public void Bad_data_or_layout_is_refused_with_what_would_be_valid()
    {
        var data = Assert.Throws<ArgumentException>(() => PlotlyHtml.Figure(JsonNode.Parse("""{"y":[1]}""")!, null, ""));
        Assert.Contains("JSON array of trace objects", data.Message);
        var layout = Assert.Throws<ArgumentException>(() => PlotlyHtml.Figure(Traces(), JsonNode.Parse("[1]"), ""));
        Assert.Contains("layout must be a JSON object", layout.Message);
        Assert.False(PlotlyHtml.BundleSent);
    }

    [Fact]
    public void A_line_chart_becomes_a_figure_with_its_svg_as_fallback()
    {
        var chart = new SvgLineChart("loss", 360, 200) { XLabel = "epoch" }
            .Add("train", [(0, 1.0), (1, 0.5), (2, double.NaN), (3, 0.25)])
            .Add("valid", [(0, 1.2), (1, 0.7)]);

        var html = PlotlyHtml.Figure(chart);

        Offline(html);
        Assert.Contains(chart.Svg(), html);
        Assert.Contains("\"name\":\"train\"", html);
        Assert.Contains("\"y\":[1,0.5,null,0.25]", html);
        Assert.Contains("\"title\":{\"text\":\"epoch\"}", html);
        Assert.Contains("\"showlegend\":true", html);
    }

    [Fact]
    public void The_embedded_tarball_is_npms_and_the_page_gets_its_script()
    {
        Assert.Equal(PlotlyBundle.Integrity, PlotlyBundle.TarballIntegrity());

        var script = PlotlyBundle.ScriptBytes.ToArray();
        Assert.StartsWith($"/**\n* plotly.js (basic - minified) v{PlotlyBundle.Version}", Encoding.UTF8.GetString(script, 0, 60));
        using var gzip = new GZipStream(new MemoryStream(Convert.FromBase64String(PlotlyBundle.GzipBase64)), CompressionMode.Decompress);
        using var unpacked = new MemoryStream();
        gzip.CopyTo(unpacked);
        Assert.Equal(script, unpacked.ToArray());
    }

    public void Dispose() => PlotlyHtml.ResetSession();
}
