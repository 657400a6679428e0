using Oml.Data;
using Oml.Pipelines;
using Oml.Visualization;

namespace Oml.Views;

/// <summary>
/// The views of results, as extension methods: <c>ds.View(labelsPerSplit: 4)</c>, <c>run.Retrieval().Worst("OVERALL/map/5")</c>,
/// <c>val.BeforeAfter()</c>, <c>plain.Compare(("k_reciprocal", reciprocal))</c>.
/// </summary>
public static class ResultViews
{
    public static DatasetView View(
        this DatasetFrame frame, int labelsPerSplit = DatasetView.DefaultLabelsPerSplit, int imagesPerLabel = DatasetView.DefaultImagesPerLabel,
        int thumbnailSize = DatasetView.DefaultThumbnailSize) =>
        new(frame, labelsPerSplit, imagesPerLabel, thumbnailSize);

    public static TrainingView View(this TrainRunResult run, int worst = RetrievalReport.DefaultWorst, IReadOnlyList<string>? metrics = null) =>
        new(run, worst, metrics);

    public static ValidationView View(this ValidationRunResult run, int worst = RetrievalReport.DefaultWorst, IReadOnlyList<string>? metrics = null) =>
        new(run, worst, metrics);

    public static PredictionView View(this PredictionRunResult run) => new(run);

    public static OnnxExportView View(this Onnx.OnnxExportResult export) => new(export);

    /// <summary>The history charts (loss per epoch and per step, each metric per epoch).</summary>
    public static HistoryView HistoryView(this TrainRunResult run) => new(run.History, run.StepLosses);

    /// <summary>The last validation's retrieval results, query by query.</summary>
    public static RetrievalReport Retrieval(this TrainRunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.LastValidation is null || run.Frame is null) throw new OmlException("this run has not validated yet: there are no retrieval results to look at");
        return new RetrievalReport(run.LastValidation, run.Frame, "last validation");
    }

    /// <summary>The retrieval results of a validation: post-processed when it had a postprocessor, unless <paramref name="plain"/>.</summary>
    public static RetrievalReport Retrieval(this ValidationRunResult run, bool plain = false)
    {
        ArgumentNullException.ThrowIfNull(run);
        var frame = run.Frame ?? throw new OmlException("this validation result does not hold its dataset (it was made by hand): use new RetrievalReport(result, frame)");
        return plain && run.WithoutPostprocessor is { } p ? new RetrievalReport(p, frame, "no postprocessing") : new RetrievalReport(run.Result, frame, run.PostprocessorName);
    }

    /// <summary>The queries the postprocessor changed, plain above post-processed (or the given <paramref name="queries"/>).</summary>
    public static BeforeAfterView BeforeAfter(this ValidationRunResult run, IReadOnlyList<int>? queries = null, int n = BeforeAfterView.DefaultQueries)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.WithoutPostprocessor is not { } plain) throw new OmlException("this validation had no postprocessor: nothing to compare (set postprocessor in the config)");
        return new BeforeAfterView(plain, run.Result, run.Frame ?? throw new OmlException("this validation result does not hold its dataset"),
            run.PostprocessorName ?? "postprocessor", queries, n);
    }

    /// <summary>
    /// The metrics of <paramref name="baseline"/> and of each other validation side by side, with each one's difference
    /// to the baseline (e.g. no postprocessing against several postprocessors).
    /// </summary>
    public static MetricsView Compare(this ValidationRunResult baseline, params (string Name, ValidationRunResult Run)[] others)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(others);
        var baselineName = baseline.PostprocessorName ?? "no postprocessing";
        return new MetricsView(
            [(baselineName, baseline.Result.Metrics), .. others.Select(o => (o.Name, o.Run.Result.Metrics))],
            $"{baselineName} against {string.Join(", ", others.Select(o => o.Name))}");
    }
}
