using System.Diagnostics;
using Oml.Images;
using Oml.Metrics;
using Oml.Pipelines.Events;
using Oml.Postprocessing;
using Oml.Registries;
using Oml.Runtime;
using Oml.Training;
using static TorchSharp.torch;

namespace Oml.Pipelines;

/// <summary>
/// <c>oml validate</c>: OML's validation pipeline (<c>oml/lightning/pipelines/validate.py:
/// extractor_validation_pipeline</c>) — the extractor with its <c>weights</c> (a checkpoint of
/// <c>oml train</c>, or a PyTorch / OML one), embeddings of the validation split, streaming exact retrieval, metrics
/// with and without the configured <c>postprocessor</c>, <c>metrics.json</c> and the worst-query figures.
/// </summary>
public static class ValidatePipeline
{
    public static ValidationRunResult Run(ValidatePipelineConfig config, IProgress<PipelineEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        void Emit(PipelineEvent e) => progress?.Report(e with { Elapsed = clock.Elapsed });
        TorchRuntime.EnsureLoaded();
        PipelineParts.ThrowIfInputsMissing(Path.Combine(config.DatasetRoot, config.DataframeName), config.Extractor, config.TransformsVal);
        foreach (var note in config.Notes) Emit(new PipelineNote(note));

        var device = new Device(config.Engine.Device);
        var frame = PipelineParts.LoadFrame(config.DatasetRoot, config.DataframeName);
        if (frame.Validation.Count == 0) throw new OmlException($"{frame.Source} has no validation rows (split = validation)");
        var dataset = ImageDataset.Validation(frame, PipelineParts.Transform(config.TransformsVal));
        var postprocessor = PostprocessorBlock.Create(config.Postprocessor);

        using var extractor = PipelineParts.Extractor(config.Extractor, device);
        Emit(new ValidationStarted(0, dataset.Count));
        using var embeddings = EmbeddingExtraction.Run(extractor, dataset, config.BatchSizeVal, config.NumWorkers, device,
            (done, total) => Emit(new ValidationProgress(done, total)), cancellationToken);
        var embeddingSeconds = clock.Elapsed.TotalSeconds;

        var setup = ValidationSet.Setup(frame);
        var categories = ValidationSet.Categories(frame);
        var plain = EmbeddingMetrics.Compute(embeddings, setup, config.MetricArgs, categories);
        var result = postprocessor is null ? plain : EmbeddingMetrics.Compute(embeddings, setup, config.MetricArgs, categories, postprocessor: postprocessor);
        var metricSeconds = clock.Elapsed.TotalSeconds - embeddingSeconds;

        Directory.CreateDirectory(config.SaveDir);
        var json = Path.Combine(config.SaveDir, "metrics.json");
        MetricsJson.Write(json, result);
        if (postprocessor is not null) MetricsJson.Write(Path.Combine(config.SaveDir, "metrics_without_postprocessor.json"), plain);
        var figures = config.LogImages ? WorstQueryFigures.Write(result, frame, Path.Combine(config.SaveDir, "images")) : [];
        Emit(new ValidationCompleted(0, result.Metrics, "", double.NaN, false, metricSeconds));
        return new ValidationRunResult(result, postprocessor is null ? null : plain, json, figures, embeddingSeconds, metricSeconds)
        {
            Frame = frame,
            PostprocessorName = postprocessor is null ? null : config.Postprocessor?.Name,
        };
    }
}
