using Oml.Models;
using Oml.Pipelines;
using Oml.Training;

namespace Oml.Interactive;

/// <summary>
/// What <c>#!oml-train --name run</c> binds: the core's <see cref="TrainRunResult"/> (history, metrics, checkpoints,
/// run folder, trained extractor) plus the per-step losses and worst-query figures the cell showed.
/// Dispose it to free the extractor.
/// </summary>
public sealed class TrainingRun : IDisposable
{
    public TrainingRun(TrainRunResult result, IReadOnlyList<(long Step, double Loss)> stepLosses, IReadOnlyList<string> figures)
    {
        Result = result;
        StepLosses = stepLosses;
        Figures = figures;
    }

    public TrainRunResult Result { get; }

    public IReadOnlyList<EpochRecord> History => Result.History;

    public IReadOnlyDictionary<string, double> Metrics => Result.LastMetrics;

    public string RunDirectory => Result.RunDirectory;

    public string? BestCheckpoint => Result.BestCheckpoint;

    public string? LastCheckpoint => Result.LastCheckpoint;

    public TrainStopReason StopReason => Result.StopReason;

    public Extractor? Extractor => Result.Extractor;

    /// <summary>Loss of every optimizer step of this run.</summary>
    public IReadOnlyList<(long Step, double Loss)> StepLosses { get; }

    /// <summary>The worst-query PNGs of the last validation of the run (may be empty).</summary>
    public IReadOnlyList<string> Figures { get; }

    public void Dispose() => Result.Dispose();

    public override string ToString() =>
        $"TrainingRun {RunDirectory}: {Result.EpochsCompleted} epoch(s), {StopReason}, best {Result.MonitoredMetric}={Result.BestMetric?.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}" +
        (Result.BestEpoch is { } best ? $" at epoch {best.Epoch + 1}" : "");
}
