using System.Diagnostics;
using Oml.Data;
using Oml.IO;
using Oml.Pipelines.Events;
using Oml.Postprocessing;
using Oml.Registries;
using Oml.Runtime;
using static TorchSharp.torch;

namespace Oml.Pipelines;

/// <summary>
/// <c>oml evaluate</c>: the validation of <see cref="ValidatePipeline"/> on embeddings computed elsewhere (by
/// <c>oml predict</c>, another library, an earlier run). It reads the dataframe and the <c>.npy</c> file, then runs
/// the very code of <c>oml validate</c> after its embeddings: one streaming exact retrieval, the metrics with and
/// without the configured <c>postprocessor</c>, <c>metrics.json</c>. So the same embeddings and postprocessor give
/// the same metrics through either pipeline. No worst-query figures are written (the images need not be there);
/// the result carries the frame, so a front end shows the worst queries as for a validation.
/// </summary>
public static class EvaluatePipeline
{
    /// <returns>
    /// The result of a validation; <see cref="ValidationRunResult.EmbeddingSeconds"/> is the time spent reading the
    /// dataframe and the embeddings.
    /// </returns>
    public static ValidationRunResult Run(EvaluatePipelineConfig config, IProgress<PipelineEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var clock = Stopwatch.StartNew();
        void Emit(PipelineEvent e) => progress?.Report(e with { Elapsed = clock.Elapsed });
        return OutputLocation.ForFile(config.MetricsJsonPath, config.MetricsJsonPathName, () => Run(config, Emit, clock, cancellationToken));
    }

    private static ValidationRunResult Run(EvaluatePipelineConfig config, Action<PipelineEvent> emit, Stopwatch clock, CancellationToken cancellationToken)
    {
        foreach (var note in config.Notes) emit(new PipelineNote(note));

        var postprocessor = PostprocessorBlock.Create(config.Postprocessor);
        var retrieval = RetrievalBlock.Create(config.Retrieval, config.MetricArgs.Distance);
        if (postprocessor is PairwiseReranker { PairwiseModel.Input: PairwiseInput.Images } reranker)
        {
            // fail before reading anything: the re-ranker needs the images, and evaluate has embeddings only
            PostprocessingInputs.None.RequireImages("pairwise_reranker", reranker.PairwiseModel.GetType().Name, []);
        }
        var frame = DatasetFrame.Load(config.Dataframe, new DatasetLoadOptions { DatasetRoot = config.DatasetRoot, CheckFilesExist = config.CheckFiles });
        if (frame.Validation.Count == 0) throw new OmlException($"{config.Dataframe} has no validation rows (split = validation): nothing to evaluate");
        foreach (var note in PipelineParts.ValidationWarningNotes(frame)) emit(new PipelineNote(note));
        var array = NpyFile.ReadMatrix(config.Embeddings);
        if (array.Rows != frame.Validation.Count)
        {
            throw new OmlException($"{config.Embeddings} has {array.Rows} rows but {config.Dataframe} has {frame.Validation.Count} validation rows: " +
                                   "expected one embedding per validation row, in file order");
        }
        cancellationToken.ThrowIfCancellationRequested();
        var loadSeconds = clock.Elapsed.TotalSeconds;

        TorchRuntime.EnsureLoaded();
        using var embeddings = tensor(array.Data, [array.Rows, array.Columns]);
        var (result, plain) = ValidatePipeline.Metrics(embeddings, frame, config.MetricArgs, postprocessor, images: null, retrieval);
        var metricSeconds = clock.Elapsed.TotalSeconds - loadSeconds;

        OutputLocation.Writing(config.MetricsJsonPathName, () => ValidatePipeline.WriteMetrics(config.MetricsJsonPath, result, plain));
        emit(new ValidationCompleted(0, result.Metrics, "", double.NaN, false, metricSeconds));
        return new ValidationRunResult(result, plain, config.MetricsJsonPath, [], loadSeconds, metricSeconds)
        {
            Frame = frame,
            PostprocessorName = postprocessor is null ? null : config.Postprocessor?.Name,
        };
    }
}
