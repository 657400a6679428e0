using System.Text;
using Oml.Training;

namespace Oml.Visualization;

/// <summary>
/// A training history as small inline-SVG line charts (<see cref="SvgLineChart"/>): mean loss per epoch, loss per
/// step when given (downsampled to <see cref="MaxStepPoints"/>), and one chart per validation metric (<c>cmc/1</c>,
/// ...) with a line per category (OVERALL first). Epochs are shown 1-based, as progress bars count them.
/// </summary>
public sealed class HistoryView : IView
{
    private readonly string? _title;

    /// <summary>The charts of <paramref name="history"/> (and of the step losses when given).</summary>
    public HistoryView(IReadOnlyList<EpochRecord>? history, IReadOnlyList<(long Step, double Loss)>? stepLosses = null, string? title = "training history")
    {
        History = history ?? [];
        StepLosses = stepLosses ?? [];
        _title = title;
    }

    public IReadOnlyList<EpochRecord> History { get; }

    public IReadOnlyList<(long Step, double Loss)> StepLosses { get; }

    public string ToHtml() => Html(History, StepLosses, _title);

    public override string ToString() => Text(History, StepLosses);


    public const int MaxStepPoints = 300;

    /// <summary>The charts, in display order (loss per epoch, loss per step, then one per metric).</summary>
    public static IReadOnlyList<SvgLineChart> Charts(IReadOnlyList<EpochRecord>? history, IReadOnlyList<(long Step, double Loss)>? stepLosses = null)
    {
        var charts = new List<SvgLineChart>();
        history ??= [];
        if (history.Count > 0)
        {
            charts.Add(new SvgLineChart("loss per epoch") { XLabel = "epoch" }.Add("mean loss", history.Select(r => ((double)r.Epoch + 1, r.MeanLoss))));
        }
        if (stepLosses is { Count: > 0 })
        {
            var points = SvgLineChart.Downsample(stepLosses.Select(p => ((double)p.Step, p.Loss)).ToArray(), MaxStepPoints);
            charts.Add(new SvgLineChart("loss per step") { XLabel = "step" }.Add("loss", points));
        }
        var validated = history.Where(r => r.Metrics is { Count: > 0 }).ToArray();
        var names = validated.SelectMany(r => r.Metrics!.Keys).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var metric in MetricsView.Columns(names))
        {
            var chart = new SvgLineChart(metric) { XLabel = "epoch" };
            foreach (var category in MetricsView.Categories(names))
            {
                var key = category == MetricsView.OtherGroup ? metric : $"{category}/{metric}";
                var points = validated.Where(r => r.Metrics!.ContainsKey(key)).Select(r => ((double)r.Epoch + 1, r.Metrics![key])).ToArray();
                if (points.Length > 0) chart.Add(category, points);
            }
            charts.Add(chart);
        }
        return charts;
    }

    internal static string Html(IReadOnlyList<EpochRecord>? history, IReadOnlyList<(long Step, double Loss)>? stepLosses = null, string? title = "training history")
    {
        var html = ViewHtml.OpenView(new StringBuilder(), "oml-history", title);
        var charts = Charts(history, stepLosses);
        if (charts.Count == 0) html.Append("<div style=\"color:#888\">no history yet</div>\n");
        html.Append("<div style=\"display:flex;flex-wrap:wrap;gap:8px\">\n");
        foreach (var chart in charts) html.Append("<div>").Append(chart.Svg()).Append("</div>\n");
        html.Append("</div>\n</div>\n");
        return html.ToString();
    }

    internal static string Text(IReadOnlyList<EpochRecord>? history, IReadOnlyList<(long Step, double Loss)>? stepLosses = null)
    {
        history ??= [];
        var text = new StringBuilder();
        if (history.Count == 0 && stepLosses is not { Count: > 0 }) return "no history yet\n";
        var metricNames = history.Where(r => r.Metrics is not null).SelectMany(r => r.Metrics!.Keys).Distinct(StringComparer.Ordinal)
            .Where(n => MetricsView.Split(n).Category == Metrics.MetricNames.Overall).ToArray();
        var columns = MetricsView.Columns(metricNames).Select(c => $"{Metrics.MetricNames.Overall}/{c}").ToArray();
        if (history.Count > 0)
        {
            var header = new List<string> { "epoch", "loss", "lr", "seconds" };
            header.AddRange(columns);
            var rows = history.Select(r =>
            {
                var row = new List<string> { (r.Epoch + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), ViewHtml.Number(r.MeanLoss, "0.0000"),
                    ViewHtml.Number(r.LearningRate, "0.####e0"), ViewHtml.Number(r.Seconds, "0.0") };
                row.AddRange(columns.Select(c => r.Metrics is not null && r.Metrics.TryGetValue(c, out var v) ? ViewHtml.Number(v, "0.0000") : ""));
                return (IReadOnlyList<string>)row;
            }).ToArray();
            text.Append(ViewHtml.TextTable(header, rows));
        }
        if (stepLosses is { Count: > 0 })
        {
            var last = stepLosses[^1];
            text.Append(System.FormattableString.Invariant($"{stepLosses.Count} steps, last step {last.Step}: loss {ViewHtml.Number(last.Loss, "0.0000")}\n"));
        }
        return text.ToString();
    }
}
