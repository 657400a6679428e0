using System.Globalization;
using System.Text;
using Oml.Pipelines;
using Oml.Visualization;

namespace Oml.Views;

/// <summary>
/// A validation: the metrics per category (without and with the postprocessor when there is one), the worst queries
/// (one grid per distinct set of queries), or with a postprocessor the queries it changed, before and after; <c>worst: 0</c> shows the metrics only.
/// </summary>
public sealed class ValidationView : IView
{
    private readonly ValidationRunResult _run;
    private readonly int _worst;
    private readonly IReadOnlyList<string>? _metrics;

    /// <param name="worst">Worst queries per metric (0: none).</param>
    /// <param name="metrics">The metrics whose worst queries are shown (default: OML's metrics to visualize).</param>
    public ValidationView(ValidationRunResult run, int worst = RetrievalReport.DefaultWorst, IReadOnlyList<string>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (worst < 0) throw new ArgumentOutOfRangeException(nameof(worst), worst, "worst must be 0 or more");
        (_run, _worst, _metrics) = (run, worst, metrics);
    }

    public string Headline => string.Create(CultureInfo.InvariantCulture,
        $"{_run.Result.Queries} queries, {_run.Result.Galleries} gallery items; embeddings {_run.EmbeddingSeconds:0.0} s, metrics {_run.MetricSeconds:0.0} s") +
        (_run.PostprocessorName is { } p ? $"; postprocessor {p}" : "");

    public MetricsView Metrics() => _run.WithoutPostprocessor is { } plain
        ? new MetricsView([("no postprocessing", plain.Metrics), (_run.PostprocessorName ?? "postprocessed", _run.Result.Metrics)], "validation metrics")
        : new MetricsView(_run.Result.Metrics, "validation metrics");

    public string ToHtml()
    {
        var html = ViewHtml.OpenView(new StringBuilder(), "oml-validation", null);
        html.Append("<div style=\"margin:2px 0\">").Append(ViewHtml.Escape(Headline)).Append("</div>\n");
        html.Append(Metrics().ToHtml());
        if (_run.Frame is { } frame && _worst > 0)
        {
            if (_run.WithoutPostprocessor is { } plain)
            {
                html.Append(new BeforeAfterView(plain, _run.Result, frame, _run.PostprocessorName ?? "postprocessor", n: _worst).ToHtml());
            }
            else
            {
                foreach (var grid in new RetrievalReport(_run.Result, frame).WorstPerMetric(_worst, _metrics)) html.Append(grid.ToHtml());
            }
        }
        return html.Append("</div>\n").ToString();
    }

    public override string ToString() => $"{Headline}\n{Metrics()}";
}
