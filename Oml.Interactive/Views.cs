using System.Globalization;
using System.Net;
using System.Text;
using Oml.Data;
using Oml.Pipelines;
using Oml.Pipelines.Events;
using Oml.Training;
using Oml.Visualization;

namespace Oml.Interactive;

/// <summary>
/// The one place where the extension turns core results into HTML / text. Everything drawn comes from
/// <c>Oml.Visualization</c>; this class only picks the view and composes several into one cell output.
/// </summary>
internal static class Views
{
    public static HtmlFragment Dataset(DatasetFrame frame)
    {
        var s = frame.Summarize();
        var text = $"DatasetFrame {frame.Source}: {frame.Rows.Count} rows, {frame.Train.Count} train, {frame.Validation.Count} validation, {frame.TrainLabelCount} train labels";
        return new HtmlFragment($"<div class=\"oml-dataset\"><pre>{E(text)}</pre></div>", text);
    }

    public static HtmlFragment Metrics(IReadOnlyDictionary<string, double> metrics, string? title = null)
    {
        var text = string.Join("\n", metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key} = {N(m.Value)}"));
        var html = new StringBuilder("<div class=\"oml-metrics\">");
        if (title is not null) html.Append("<b>").Append(E(title)).Append("</b>");
        html.Append("<table>");
        foreach (var (k, v) in metrics.OrderBy(m => m.Key, StringComparer.Ordinal)) html.Append($"<tr><td>{E(k)}</td><td>{N(v)}</td></tr>");
        html.Append("</table></div>");
        return new HtmlFragment(html.ToString(), text);
    }

    public static HtmlFragment Validation(ValidationRunResult run) =>
        Metrics(run.Result.Metrics, run.WithoutPostprocessor is null ? "metrics" : "metrics (with postprocessor)");

    public static HtmlFragment History(IReadOnlyList<EpochRecord> history, IReadOnlyList<(long Step, double Loss)>? steps = null)
    {
        var text = string.Join("\n", history.Select(h => $"epoch {h.Epoch}: loss {N(h.MeanLoss)}"));
        return new HtmlFragment($"<div class=\"oml-history\"><pre>{E(text)}</pre></div>", text);
    }

    public static HtmlFragment Prediction(PredictionRun run)
    {
        var text = run.ToString();
        return new HtmlFragment($"<div class=\"oml-embeddings\"><pre>{E(text)}</pre></div>", text);
    }

    public static HtmlFragment Training(TrainingRun run)
    {
        var metrics = Metrics(run.Metrics, "final metrics");
        var history = History(run.History, run.StepLosses);
        var html = new StringBuilder("<div class=\"oml-training-run\">");
        html.Append("<div>").Append(E(run.ToString())).Append("</div>");
        html.Append(history.Html).Append(metrics.Html).Append(Figures(run.Figures));
        html.Append("</div>");
        return new HtmlFragment(html.ToString(), run + "\n" + metrics.Text);
    }

    /// <summary>The worst-query PNGs a run wrote, inline as data URIs.</summary>
    public static string Figures(IReadOnlyList<string> files)
    {
        var html = new StringBuilder();
        foreach (var file in files.Where(File.Exists))
        {
            html.Append("<div class=\"oml-figure\"><div>").Append(E(Path.GetFileNameWithoutExtension(file).Replace('_', ' '))).Append("</div>")
                .Append("<img src=\"").Append(Thumbnail.DataUri(File.ReadAllBytes(file))).Append("\" style=\"max-width:100%\"/></div>");
        }
        return html.ToString();
    }

    /// <summary>The worst-query grids (one per metric to visualize) of a validation, thumbnails inline.</summary>
    public static string WorstQueries(Metrics.EmbeddingMetricsResult result, DatasetFrame frame, int n = RetrievalRows.DefaultWorstQueries)
    {
        var html = new StringBuilder();
        foreach (var figure in RetrievalRows.WorstQueriesPerMetric(result, frame, n))
        {
            html.Append(RetrievalGridHtml.Render(figure.Rows, title: figure.Title));
        }
        return html.ToString();
    }

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    private static string N(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}

/// <summary>Pre-rendered HTML plus a plain-text alternative; the extension registers formatters for both MIME types.</summary>
public sealed record HtmlFragment(string Html, string Text)
{
    public override string ToString() => Text;
}

/// <summary>Accumulates the pipeline's events into the live training view (until Oml.Visualization.TrainingLiveView arrives).</summary>
internal sealed class LiveTraining
{
    private readonly List<(long Step, double Loss)> _steps = [];
    private readonly List<string> _lines = [];
    private string _status = "starting";
    private IReadOnlyDictionary<string, double>? _metrics;

    public IReadOnlyList<(long Step, double Loss)> Steps => _steps;

    public void Apply(PipelineEvent e)
    {
        switch (e)
        {
            case RunStarted r: _status = $"run {r.RunDirectory}: {r.TrainImages} train / {r.ValidationImages} validation images, {r.MaxEpochs} epochs of {r.StepsPerEpoch} steps"; break;
            case TrainStepCompleted s: _steps.Add((s.GlobalStep, s.Loss)); _status = $"epoch {s.Epoch} step {s.Step + 1}/{s.StepsInEpoch} loss {s.Loss.ToString("0.####", CultureInfo.InvariantCulture)}"; break;
            case EpochCompleted c: _lines.Add($"epoch {c.Epoch}: mean loss {c.MeanLoss.ToString("0.####", CultureInfo.InvariantCulture)}"); break;
            case ValidationCompleted v: _metrics = v.Metrics; _lines.Add($"epoch {v.Epoch}: {v.MonitoredMetric} = {v.MonitoredValue.ToString("0.####", CultureInfo.InvariantCulture)}{(v.IsBest ? " (best)" : "")}"); break;
            case PipelineNote n: _lines.Add(n.Message); break;
            case RunCompleted d: _status = $"finished: {d.Result.StopReason}"; break;
        }
    }

    public HtmlFragment Render()
    {
        var text = _status + "\n" + string.Join("\n", _lines);
        var html = $"<div class=\"oml-training-live\"><div>{WebUtility.HtmlEncode(_status)}</div><pre>{WebUtility.HtmlEncode(string.Join("\n", _lines))}</pre></div>";
        if (_metrics is not null) html += Views.Metrics(_metrics, "last validation").Html;
        return new HtmlFragment(html, text);
    }
}
