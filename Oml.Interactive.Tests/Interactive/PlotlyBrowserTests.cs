using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive.Formatting;
using Oml.Interactive;
using XPlot.Plotly;
using static Oml.Tests.Interactive.PlotlyAssert;

namespace Oml.Tests.Interactive;

/// <summary>
/// A page with two figures (an XPlot chart through the formatter, then one from the composer) in headless Chromium
/// with the network blocked: plotly.js from the first figure draws both; with scripts off both show their SVG.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed partial class PlotlyBrowserTests : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan ChromiumTimeout = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _directory = new();

    public PlotlyBrowserTests()
    {
        Formatter.ResetToDefault();
        PlotlyHtml.ResetSession();
        PlotlyFormatters.Register();
    }

    /// <summary>
    /// The page, and the ids of its two figures (XPlot's, then the composer's). Without scripts, a content security
    /// policy forbids every script, as a viewer that does not run them (--blink-settings=scriptEnabled=false would also
    /// stop --dump-dom).
    /// </summary>
    private (string Page, string XPlotId, string ComposerId) WritePage(bool scripts = true)
    {
        var line = Chart.Line(new[] { 3, 1, 4, 1, 5 });
        line.WithTitle("XPlot line");
        line.WithXTitle("step");
        var xplot = Formatter.ToDisplayString(line, HtmlFormatter.MimeType);
        var composer = PlotlyHtml.Figure(
            JsonNode.Parse("""[{"type":"bar","x":["a","b","c"],"y":[2,5,3],"name":"bars"},{"type":"scatter","x":["a","b","c"],"y":[1,4,2],"name":"line"}]""")!,
            JsonNode.Parse("""{"title":"Composer figure","width":700,"height":360}"""),
            "<svg class=\"composer-fallback\" width=\"200\" height=\"50\"><text x=\"4\" y=\"30\">static composer chart</text></svg>");
        var page = $$"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8">{{(scripts ? "" : "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'\">")}}<title>plotly offline</title></head><body>
            <div id="network-probe">pending</div>
            <script>
            fetch("https://cdn.plot.ly/plotly-basic-2.0.0.min.js", { mode: "no-cors" }).then(
              function () { document.getElementById("network-probe").textContent = "network: reachable"; },
              function () { document.getElementById("network-probe").textContent = "network: blocked"; });
            </script>
            {{xplot}}
            {{composer}}
            </body></html>
            """;
        return (_directory.Write("page.html", page), FigureId(xplot), FigureId(composer));
    }

    private static string FigureId(string html) => FigureIdPattern().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no figure id");

    /// <summary>The dumped DOM from the figure's container to the next figure's (or the end).</summary>
    private static string Section(string dom, string id, string? nextId)
    {
        var start = dom.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"figure {id} is not in the page");
        var end = nextId is null ? dom.Length : dom.IndexOf($"id=\"{nextId}\"", start, StringComparison.Ordinal);
        return dom[start..end];
    }

    [Fact]
    public async Task Both_figures_render_offline_and_only_the_first_carries_plotly()
    {
        Assert.SkipUnless(File.Exists(Chromium), $"{Chromium} is not installed: the offline rendering check needs headless Chromium");
        var (page, xplotId, composerId) = WritePage();

        var dom = await RunChromium("--dump-dom", new Uri(page).AbsoluteUri);

        Assert.Contains("network: blocked", dom);
        var xplot = Section(dom, xplotId, composerId);
        var composer = Section(dom, composerId, null);
        foreach (var figure in new[] { xplot, composer })
        {
            Assert.Contains("class=\"main-svg\"", figure);
            Assert.Matches(HiddenFallback(), figure);
            Assert.Contains("data-title=\"Zoom\"", figure);
            Assert.DoesNotContain("data-title=\"Produced with Plotly.js\"", figure);
            Assert.DoesNotContain("data-title=\"Share chart...\"", figure);
        }
        Assert.Equal(1, Count(xplot, "class=\"trace scatter"));
        // plotly.js 4 draws no title at all from XPlot's "title":"..." form
        Assert.Matches(@"class=""g-gtitle""><text class=""gtitle""[^>]*>XPlot line</text>", xplot);
        Assert.Matches(@"class=""g-xtitle""><text class=""xtitle""[^>]*>step</text>", xplot);
        Assert.Equal(1, Count(composer, "class=\"trace bars\""));
        Assert.Equal(1, Count(composer, "class=\"trace scatter"));
        Assert.Matches(@"class=""g-gtitle""><text class=""gtitle""[^>]*>Composer figure</text>", composer);
    }

    [Fact]
    public async Task Without_scripts_both_figures_show_their_static_fallback()
    {
        Assert.SkipUnless(File.Exists(Chromium), $"{Chromium} is not installed: the offline rendering check needs headless Chromium");
        var (page, xplotId, composerId) = WritePage(scripts: false);

        var dom = await RunChromium("--dump-dom", new Uri(page).AbsoluteUri);

        Assert.Contains(">pending<", dom);
        var xplot = Section(dom, xplotId, composerId);
        var composer = Section(dom, composerId, null);
        Assert.Contains("<svg class=\"oml-chart\"", xplot);
        Assert.Contains("XPlot line", xplot);
        Assert.Contains("static composer chart", composer);
        Assert.DoesNotContain("main-svg", dom);
        Assert.DoesNotMatch(HiddenFallback(), dom);
    }

    [Fact]
    public async Task A_screenshot_of_the_page_is_taken()
    {
        Assert.SkipUnless(File.Exists(Chromium), $"{Chromium} is not installed: the offline rendering check needs headless Chromium");
        var (page, _, _) = WritePage();
        var png = _directory.File("page.png");

        await RunChromium($"--screenshot={png}", "--window-size=1000,800", new Uri(page).AbsoluteUri);

        Assert.True(new FileInfo(png).Length > 20_000, "the screenshot is (nearly) empty");
        // to look at it: OML_PLOTLY_SCREENSHOT=/tmp/plotly.png keeps the screenshot, and the page beside it (.html)
        if (Environment.GetEnvironmentVariable("OML_PLOTLY_SCREENSHOT") is { Length: > 0 } keep)
        {
            File.Copy(png, keep, overwrite: true);
            File.Copy(page, Path.ChangeExtension(keep, ".html"), overwrite: true);
        }
    }

    /// <summary>Headless Chromium with every host name unresolvable and a dead proxy: nothing leaves the machine.</summary>
    private async Task<string> RunChromium(params string[] arguments)
    {
        var start = new ProcessStartInfo(Chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory.Path,
        };
        foreach (var argument in (string[])
                 [
                     "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                     "--disable-background-networking", "--virtual-time-budget=10000",
                     "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                     $"--user-data-dir={_directory.File("profile")}",
                 ])
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(ChromiumTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish in {ChromiumTimeout.TotalSeconds} s: {string.Join(' ', arguments)}");
        }
        Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {await errors}");
        return await output;
    }

    [GeneratedRegex(@"id=""(oml-plotly-[0-9a-f]{32})""")]
    private static partial Regex FigureIdPattern();

    [GeneratedRegex(@"class=""oml-plotly-fallback"" style=""display: none;""")]
    private static partial Regex HiddenFallback();

    public void Dispose()
    {
        _directory.Dispose();
        Formatter.ResetToDefault();
        PlotlyHtml.ResetSession();
    }
}
