using System.Diagnostics;
using Oml.Data;
using Oml.Images;
using Oml.IO;
using Oml.Metrics;
using Oml.Pipelines.Events;
using Oml.Postprocessing;
using Oml.Registries;
using Oml.Retrieval;
using Oml.Runtime;
using Oml.Training;
using static TorchSharp.torch;

namespace Oml.Pipelines;

/// <summary>
/// <c>oml validate</c>: OML's validation pipeline (<c>oml/lightning/pipelines/validate.py:
/// extractor_validation_pipeline</c>) — the extractor with its <c>weights</c> (a checkpoint of
/// <c>oml train</c>, or a PyTorch / OML one), embeddings of the validation split, streaming exact retrieval, metrics
/// with and without the configured <c>postprocessor</c> (from one retrieval), <c>metrics.json</c> and the worst-query figures.
/// </summary>
public static class ValidatePipeline
{
    public static ValidationRunResult Run(ValidatePipelineConfig config, IProgress<PipelineEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        void Emit(PipelineEvent e) => progress?.Report(e with { Elapsed = clock.Elapsed });
        TorchRuntime.EnsureLoaded();
        using var decoding = ImageDecoder.Use(ImageDecoder.WithMaxPixels(config.MaxImagePixels)); // datasets and figures
        using var downloads = Zoo.PretrainedWeights.ReportDownloadsTo(PipelineDownloadObserver.For(progress));
        PipelineParts.ThrowIfInputsMissing(Path.Combine(config.DatasetRoot, config.DataframeName), config.Extractor, config.TransformsVal);
        return OutputLocation.InFolder(config.SaveDir, "save_dir", () => Run(config, Emit, clock, cancellationToken));
    }

    private static ValidationRunResult Run(ValidatePipelineConfig config, Action<PipelineEvent> emit, Stopwatch clock, CancellationToken cancellationToken)
    {
        foreach (var note in config.Notes) emit(new PipelineNote(note));

        var device = new Device(config.Engine.Device);
        var frame = PipelineParts.LoadFrame(config.DatasetRoot, config.DataframeName);
        if (frame.Validation.Count == 0) throw new OmlException($"{frame.Source} has no validation rows (split = validation)");
        foreach (var note in PipelineParts.ValidationWarningNotes(frame)) emit(new PipelineNote(note));
        var dataset = ImageDataset.Validation(frame, PipelineParts.Transform(config.TransformsVal));
        PostprocessorBlock.RequireTrainedPairwiseModel(config.Postprocessor);
        var postprocessor = PostprocessorBlock.Create(config.Postprocessor, device);
        var retrieval = RetrievalBlock.Create(config.Validation.Retrieval, config.MetricArgs.Distance);

        using var extractor = PipelineParts.Extractor(config.Extractor, device);
        emit(new ValidationStarted(0, dataset.Count));
        using var embeddings = EmbeddingExtraction.Run(extractor, dataset, config.BatchSizeVal, config.NumWorkers, device,
            (done, total) => emit(new ValidationProgress(done, total)), cancellationToken);
        var embeddingSeconds = clock.Elapsed.TotalSeconds;

        var (result, plain) = Metrics(embeddings, frame, config.MetricArgs, postprocessor, new DatasetRowImages(dataset), retrieval);
        var metricSeconds = clock.Elapsed.TotalSeconds - embeddingSeconds;

        var json = Path.Combine(config.SaveDir, "metrics.json");
        var figures = OutputLocation.Writing("save_dir", () =>
        {
            WriteMetrics(json, result, plain);
            return config.LogImages ? WorstQueryFigures.Write(result, frame, Path.Combine(config.SaveDir, "images")) : [];
        });
        emit(new ValidationCompleted(0, result.Metrics, "", double.NaN, false, metricSeconds));
        return new ValidationRunResult(result, plain, json, figures, embeddingSeconds, metricSeconds)
        {
            Frame = frame,
            PostprocessorName = postprocessor is null ? null : config.Postprocessor?.Name,
        };
    }

    /// <summary>
    /// What <c>validate</c> and <c>evaluate</c> compute once the embeddings of the frame's validation split are there:
    /// the metrics (after the postprocessor when there is one) and, with a postprocessor, those without it, from one
    /// retrieval. <paramref name="images"/> are the validation images by row, for a pairwise model that compares
    /// images (<c>validate</c> has them, <c>evaluate</c> does not); <paramref name="retrieval"/> the search (the
    /// <c>retrieval</c> block).
    /// </summary>
    internal static (EmbeddingMetricsResult Result, EmbeddingMetricsResult? WithoutPostprocessor) Metrics(
        Tensor embeddings, DatasetFrame frame, MetricArgs args, IRetrievalPostprocessor? postprocessor, IRowImages? images, RetrievalMethod retrieval)
    {
        var (plain, postprocessed) = EmbeddingMetrics.ComputeWithAndWithout(
            embeddings, ValidationSet.Setup(frame), args, ValidationSet.Categories(frame), postprocessor: postprocessor, images: images, retrieval: retrieval);
        return postprocessed is null ? (plain, null) : (postprocessed, plain);
    }

    /// <summary><paramref name="path"/> (e.g. metrics.json) and, with a postprocessor, metrics_without_postprocessor.json next to it.</summary>
    internal static void WriteMetrics(string path, EmbeddingMetricsResult result, EmbeddingMetricsResult? withoutPostprocessor)
    {
        MetricsJson.Write(path, result);
        if (withoutPostprocessor is not null) MetricsJson.Write(WithoutPostprocessorPath(path), withoutPostprocessor);
    }

    /// <summary>Where the metrics without the postprocessor go: <c>metrics.json</c> -> <c>metrics_without_postprocessor.json</c>, in the same folder.</summary>
    public static string WithoutPostprocessorPath(string metricsJsonPath) =>
        Path.Combine(Path.GetDirectoryName(metricsJsonPath) ?? "",
            Path.GetFileNameWithoutExtension(metricsJsonPath) + "_without_postprocessor" + Path.GetExtension(metricsJsonPath));
}
