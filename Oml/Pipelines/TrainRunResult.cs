namespace Oml.Pipelines;

/// <summary>
/// What a training run produced: the run folder, checkpoints, per-epoch history, the loss of every step, the last
/// validation (metrics, per-query values and retrieval results, with the dataset they refer to).
/// The trained extractor stays available in <c>Extractor</c> (for notebooks); dispose the result to free it.
/// </summary>
public sealed class TrainRunResult : IDisposable
{
    public required string RunDirectory { get; init; }
    public required TrainStopReason StopReason { get; init; }
    public required int EpochsCompleted { get; init; }
    public string? BestCheckpoint { get; init; }
    public string? LastCheckpoint { get; init; }
    public double? BestMetric { get; init; }
    public required string MonitoredMetric { get; init; }
    public required IReadOnlyList<Training.EpochRecord> History { get; init; }
    public IReadOnlyDictionary<string, double> LastMetrics { get; init; } = new Dictionary<string, double>();
    public Models.Extractor? Extractor { get; init; }

    /// <summary>The trained pairwise model of <c>oml train-postprocessor</c> (null for <c>oml train</c>); dispose the result to free it.</summary>
    public Postprocessing.IPairwiseModel? PairwiseModel { get; init; }

    /// <summary>
    /// <c>oml train-postprocessor</c>: the metrics of the extractor alone on the same validation split, against which
    /// <see cref="LastMetrics"/> (re-ranked) compare; null for <c>oml train</c>.
    /// </summary>
    public Metrics.EmbeddingMetricsResult? Baseline { get; init; }

    /// <summary>Loss of every optimizer step of this run (a resumed run: the steps after the resume).</summary>
    public IReadOnlyList<(long Step, double Loss)> StepLosses { get; init; } = [];

    /// <summary>The last validation of this run (per-query metrics and retrieval results), or null when none ran.</summary>
    public Metrics.EmbeddingMetricsResult? LastValidation { get; init; }

    /// <summary>The dataset trained and validated on (the retrieval's rows are rows of its validation split).</summary>
    public Data.DatasetFrame? Frame { get; init; }

    /// <summary>The validated epoch that reached <see cref="BestMetric"/> (the one <c>best.ckpt</c> holds), or null.</summary>
    public Training.EpochRecord? BestEpoch => BestMetric is { } best
        ? History.FirstOrDefault(h => h.Metrics is { } m && m.TryGetValue(MonitoredMetric, out var value) && value == best)
        : null;

    /// <summary>The last validated epoch (its metrics are <see cref="LastMetrics"/>), or null.</summary>
    public Training.EpochRecord? LastValidatedEpoch => History.LastOrDefault(h => h.Metrics is not null);

    public void Dispose()
    {
        Extractor?.Dispose();
        (PairwiseModel as IDisposable)?.Dispose();
    }
}
