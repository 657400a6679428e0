using System.Globalization;
using System.Text;
using Oml.Pipelines;
using Oml.Visualization;

namespace Oml.Views;

/// <summary>
/// A finished training run: one line on how it ended and where its checkpoints are, the history charts, the best
/// epoch's validation metrics next to the last's, and the worst queries of the last validation (one grid per distinct
/// set of queries). A run of <c>oml train-postprocessor</c> shows the extractor alone next to them, and the queries the
/// trained re-ranker fixed or broke in its last validation instead of the worst ones.
/// </summary>
public sealed class TrainingView : IView
{
    private readonly TrainRunResult _run;
    private readonly int _worst;
    private readonly IReadOnlyList<string>? _metrics;

    /// <param name="worst">Worst queries per metric (0: none).</param>
    /// <param name="metrics">The metrics whose worst queries are shown (default: OML's metrics to visualize).</param>
    public TrainingView(TrainRunResult run, int worst = RetrievalReport.DefaultWorst, IReadOnlyList<string>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (worst < 0) throw new ArgumentOutOfRangeException(nameof(worst), worst, "worst must be 0 or more");
        (_run, _worst, _metrics) = (run, worst, metrics);
    }

    public string Headline
    {
        get
        {
            var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{_run.EpochsCompleted} epoch(s), {_run.StopReason}"));
            if (_run.BestEpoch is { } best && _run.BestMetric is { } value)
            {
                text.Append(CultureInfo.InvariantCulture, $"; best {_run.MonitoredMetric} = {value:0.####} at epoch {best.Epoch + 1}");
            }
            return text.ToString();
        }
    }

    public string ToHtml()
    {
        var html = ViewHtml.OpenView(new StringBuilder(), "oml-training-run", "training run");
        html.Append("<div style=\"margin:2px 0\"><b>").Append(ViewHtml.Escape(Headline)).Append("</b></div>\n");
        ViewHtml.KeyValueTable(html, Files());
        html.Append(new HistoryView(_run.History, _run.StepLosses, title: null).ToHtml());
        html.Append(BestAndLast().ToHtml());
        foreach (var grid in Worst()) html.Append(grid.ToHtml());
        return html.Append("</div>\n").ToString();
    }

    public override string ToString() =>
        $"{Headline}\n{string.Concat(Files().Select(f => $"{f.Name}: {f.Value}\n"))}{BestAndLast()}";

    /// <summary>The best epoch's metrics next to the last's (one table when they are the same epoch).</summary>
    public MetricsView BestAndLast()
    {
        var baseline = _run.Baseline is { } alone ? new[] { ("extractor alone", alone.Metrics) } : [];
        if (_run.BestEpoch is not { Metrics: { } bestMetrics } best || _run.LastValidatedEpoch is not { } last)
            return baseline.Length == 0 ? new MetricsView(_run.LastMetrics, "final metrics") : new MetricsView([.. baseline, ("re-ranked", _run.LastMetrics)], "final metrics");
        if (best.Epoch == last.Epoch)
        {
            var title = $"validation metrics, epoch {best.Epoch + 1} (best and last)";
            return baseline.Length == 0 ? new MetricsView(bestMetrics, title) : new MetricsView([.. baseline, ($"re-ranked: epoch {best.Epoch + 1}", bestMetrics)], title);
        }
        return new MetricsView(
            [.. baseline, ($"best: epoch {best.Epoch + 1}", bestMetrics), ($"last: epoch {last.Epoch + 1}", _run.LastMetrics)],
            $"validation metrics: best epoch ({_run.MonitoredMetric}) and last");
    }

    private IReadOnlyList<IView> Worst()
    {
        if (_worst == 0 || _run.LastValidation is not { } validation || _run.Frame is not { } frame) return [];
        if (_run.Baseline is { } baseline) return [new BeforeAfterView(baseline, validation, frame, "trained re-ranker", n: _worst)];
        var epoch = _run.LastValidatedEpoch is { } last ? $" (epoch {last.Epoch + 1})" : "";
        return new RetrievalReport(validation, frame).WorstPerMetric(_worst, _metrics)
            .Select(g => new RetrievalGridView(g.Rows, $"last validation{epoch}: {g.Title}", g.ThumbnailSize, g.Note))
            .ToArray();
    }

    private IEnumerable<(string Name, string Value)> Files()
    {
        yield return ("run folder", _run.RunDirectory);
        if (_run.BestCheckpoint is { } best) yield return ("best checkpoint", best);
        if (_run.LastCheckpoint is { } last) yield return ("last checkpoint", last);
    }
}
