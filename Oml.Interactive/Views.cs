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
    public static HtmlFragment Dataset(DatasetFrame frame) => new(DatasetView.Html(frame), DatasetView.Text(frame));

    public static HtmlFragment Metrics(IReadOnlyDictionary<string, double> metrics, string? title = null) =>
        new(MetricsView.Html(metrics, title), MetricsView.Text(metrics));

    /// <summary>Metrics per category; with a postprocessor, side by side with the plain embeddings' metrics.</summary>
    public static HtmlFragment Validation(ValidationRunResult run) => new(MetricsView.Html(run, "validation metrics"), MetricsView.Text(run));

    public static HtmlFragment History(IReadOnlyList<EpochRecord> history, IReadOnlyList<(long Step, double Loss)>? steps = null) =>
        new(HistoryView.Html(history, steps), HistoryView.Text(history, steps));

    public static HtmlFragment Prediction(PredictionRun run)
    {
        var summary = run.ToString();
        if (run.Embeddings is not { } e) return new HtmlFragment($"<div class=\"oml-embeddings\">{System.Net.WebUtility.HtmlEncode(summary)}</div>", summary);
        return new HtmlFragment(EmbeddingsView.Html(e.Data, e.Rows, e.Columns, paths: run.Paths.Count == e.Rows ? run.Paths : null),
            summary + "\n" + EmbeddingsView.Text(e.Data, e.Rows, e.Columns));
    }

    public static HtmlFragment Training(TrainingRun run)
    {
        var metrics = BestAndLast(run.Result);
        var history = History(run.History, run.StepLosses);
        var html = new StringBuilder("<div class=\"oml-training-run\">");
        html.Append("<div>").Append(System.Net.WebUtility.HtmlEncode(run.ToString())).Append("</div>");
        html.Append(history.Html).Append(metrics.Html).Append(Figures(run.Figures));
        html.Append("</div>");
        return new HtmlFragment(html.ToString(), run + "\n" + metrics.Text);
    }

    /// <summary>The best epoch's validation metrics next to the last's (one table when they are the same epoch).</summary>
    public static HtmlFragment BestAndLast(TrainRunResult run)
    {
        if (run.BestEpoch is not { Metrics: { } bestMetrics } best || run.LastValidatedEpoch is not { } last)
            return Metrics(run.LastMetrics, "final metrics");
        if (best.Epoch == last.Epoch) return Metrics(bestMetrics, $"validation metrics, epoch {best.Epoch + 1} (best and last)");
        string bestName = $"best: epoch {best.Epoch + 1}", lastName = $"last: epoch {last.Epoch + 1}";
        return new HtmlFragment(
            MetricsView.Html(bestMetrics, run.LastMetrics, bestName, lastName, $"validation metrics: best epoch ({run.MonitoredMetric}) and last"),
            MetricsView.Text(bestMetrics, run.LastMetrics, bestName, lastName));
    }

    /// <summary>The worst-query PNGs a run wrote, inline as data URIs.</summary>
    public static string Figures(IReadOnlyList<string> files)
    {
        var html = new StringBuilder();
        foreach (var file in files.Where(File.Exists))
        {
            html.Append("<div class=\"oml-figure\"><div>").Append(System.Net.WebUtility.HtmlEncode(Path.GetFileNameWithoutExtension(file).Replace('_', ' ')))
                .Append("</div><img src=\"").Append(Thumbnail.DataUri(File.ReadAllBytes(file))).Append("\" style=\"max-width:100%\"/></div>");
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
}
