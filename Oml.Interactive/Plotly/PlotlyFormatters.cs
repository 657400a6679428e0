using Microsoft.DotNet.Interactive.Formatting;
using XPlot.Plotly;

namespace Oml.Interactive;

/// <summary>
/// Formatters for XPlot.Plotly charts (<c>Chart.Line(...)</c> and the like): text/html through
/// <see cref="PlotlyHtml"/> (plotly.js from this assembly, never a CDN; titles in the form plotly.js 3 accepts; a
/// static SVG where scripts do not run) and a one-line text/plain summary.
/// </summary>
public static class PlotlyFormatters
{
    /// <summary>
    /// Registers both formatters with .NET Interactive's process-wide <see cref="Formatter"/>. Calling it again
    /// registers them again, which changes nothing; after <see cref="Formatter.ResetToDefault"/> it must be called again.
    /// </summary>
    public static void Register()
    {
        Formatter.Register<PlotlyChart>((chart, writer) => writer.Write(Html(chart)), HtmlFormatter.MimeType);
        Formatter.Register<PlotlyChart>((chart, writer) => writer.Write(Text(chart)), PlainTextFormatter.MimeType);
    }

    /// <summary>The chart's interactive HTML with its static fallback; the session's first figure also carries plotly.js.</summary>
    public static string Html(PlotlyChart chart) => XPlotFigure.From(chart).Html();

    /// <summary>E.g. <c>PlotlyChart: 2 traces (scatter, bar), title "loss"</c>.</summary>
    public static string Text(PlotlyChart chart) => XPlotFigure.From(chart).Text();
}
