using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Oml.Interactive;
using XPlot.Plotly;
using static Oml.Tests.Interactive.PlotlyAssert;

namespace Oml.Tests.Interactive;

/// <summary>XPlot.Plotly charts as a notebook shows them once <see cref="PlotlyFormatters.Register"/> has run.</summary>
[Collection(KernelCollection.Name)]
public sealed class PlotlyFormatterTests : IDisposable
{
    private readonly CompositeKernel _kernel = KernelHost.Create();

    public PlotlyFormatterTests()
    {
        Formatter.ResetToDefault();
        PlotlyHtml.ResetSession();
        PlotlyFormatters.Register();
        PlotlyFormatters.Register();
    }

    private static PlotlyChart TwoTraces()
    {
        var chart = Chart.Plot(new Trace[]
        {
            new Scatter { x = new[] { 1, 2, 3 }, y = new[] { 0.5, 0.25, 0.125 }, name = "loss" },
            new Bar { x = new[] { "a", "b" }, y = new[] { 3, 4 }, name = "counts" },
        });
        chart.WithTitle("training");
        chart.WithXTitle("epoch");
        chart.WithYTitle("value");
        return chart;
    }

    [Fact]
    public void A_chart_is_html_through_the_composer_without_a_cdn_and_with_plotly_3_titles()
    {
        var first = Formatter.ToDisplayString(TwoTraces(), HtmlFormatter.MimeType);
        var second = Formatter.ToDisplayString(Chart.Line(new[] { 1, 2, 3 }), HtmlFormatter.MimeType);

        Offline(first);
        Offline(second);
        Assert.Equal(1, Count(first + second, PlotlyBundle.GzipBase64));
        Assert.Contains("\"title\":{\"text\":\"training\"}", first);
        Assert.Contains("\"xaxis\":{\"title\":{\"text\":\"epoch\"}", first);
        Assert.Contains("\"yaxis\":{\"title\":{\"text\":\"value\"}", first);
        Assert.DoesNotContain("\"title\":\"", first);
        Assert.Contains("style=\"max-width:900px\"", first);
        Assert.Contains("\"height\":500", first);
        // the static preview: both traces have numbers, so both are lines of the SVG
        Assert.Contains("<svg class=\"oml-chart\"", first);
        Assert.Equal(2, Count(first, "class=\"oml-series\""));
        Assert.Contains("Static preview: the interactive chart needs a page that runs scripts.", first);
        Assert.DoesNotContain("dni-treeview", first);
    }

    [Fact]
    public void A_chart_is_a_one_line_text_summary()
    {
        Assert.Equal("PlotlyChart: 2 traces (scatter, bar), title \"training\"", Formatter.ToDisplayString(TwoTraces(), PlainTextFormatter.MimeType));
        Assert.Equal("PlotlyChart: 1 trace (scatter)", Formatter.ToDisplayString(Chart.Line(new[] { 1, 2 }), PlainTextFormatter.MimeType));
    }

    [Fact]
    public void Traces_the_preview_cannot_draw_are_named_under_it()
    {
        var pie = Chart.Pie(new[] { Tuple.Create("a", 1), Tuple.Create("b", 2) });
        pie.WithLabel("share");

        var html = PlotlyFormatters.Html(pie);

        Assert.Contains("Static preview without share (pie)", html);
        Assert.Equal(0, Count(html, "class=\"oml-series\""));
    }

    [Fact]
    public async Task A_chart_returned_from_a_cell_renders_through_the_formatter()
    {
        var result = await _kernel.SubmitCodeAsync($$"""
            #r "{{typeof(PlotlyChart).Assembly.Location}}"
            var chart = XPlot.Plotly.Chart.Line(new[] { 1, 4, 9 });
            chart.WithTitle("squares");
            chart
            """);

        result.AssertSucceeded();
        var html = Assert.Single(result.Events.OfType<ReturnValueProduced>()).Html();
        Offline(html);
        Assert.Contains(PlotlyBundle.GzipBase64, html);
        Assert.Contains("\"y\":[1,4,9]", html);
        Assert.Contains("\"title\":{\"text\":\"squares\"}", html);
    }

    public void Dispose()
    {
        _kernel.Dispose();
        Formatter.ResetToDefault();
        PlotlyHtml.ResetSession();
    }
}
