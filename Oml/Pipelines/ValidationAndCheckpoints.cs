using System.Diagnostics;
using Oml.Images;
using Oml.Metrics;
using Oml.Models;
using Oml.Pipelines.Events;
using Oml.Postprocessing;
using Oml.Registries;
using Oml.Training;
using static TorchSharp.torch;

namespace Oml.Pipelines;

/// <summary>
/// When a training run validates and what it keeps: validation every <c>valid_period</c> epochs, after the last one
/// and when <c>max_time</c> is reached (metrics, logs, worst-query figures); <c>best.ckpt</c> when the monitored metric
/// improves, written after the scheduler stepped so it resumes like <c>last.ckpt</c> of the same epoch; <c>last.ckpt</c>
/// after every validated epoch, at the end, and at least every <see cref="LastCheckpointInterval"/>.
/// </summary>
internal sealed class ValidationAndCheckpoints
{
    /// <summary>The longest time between two <c>last.ckpt</c> writes on epochs without validation.</summary>
    public static readonly TimeSpan LastCheckpointInterval = TimeSpan.FromSeconds(60);

    private readonly TrainingSetup _setup;
    private readonly TrainingLog _log;
    private readonly Action<PipelineEvent> _emit;
    private readonly Stopwatch _sinceLastSave = Stopwatch.StartNew();

    public ValidationAndCheckpoints(TrainingSetup setup, TrainingLog log, Action<PipelineEvent> emit) => (_setup, _log, _emit) = (setup, log, emit);

    public bool IsDue(int epoch, bool isLastEpoch, bool maxTimeReached) =>
        (epoch + 1) % _setup.Config.ValidPeriod == 0 || isLastEpoch || maxTimeReached;

    /// <summary>Computes the validation metrics of the objective, logs them and, with <c>log_images</c>, writes the worst-query figures.</summary>
    public EmbeddingMetricsResult Validate(int epoch, CancellationToken cancellationToken)
    {
        var config = _setup.Config;
        _emit(new ValidationStarted(epoch, _setup.Validation.Count));
        var result = _setup.Objective.Validate(_emit, cancellationToken);
        _log.Validation(epoch, _setup.State.GlobalStep, result.Metrics);
        if (config.LogImages)
        {
            var directory = Path.Combine(_setup.RunDirectory, "images", $"epoch_{epoch:D3}");
            foreach (var file in WorstQueryFigures.Write(result, _setup.Frame, directory))
            {
                _log.Image("image_logs/" + Path.GetFileNameWithoutExtension(file), file, _setup.State.GlobalStep);
            }
        }
        return result;
    }

    /// <summary>The value of <c>metric_for_checkpointing</c> among <paramref name="metrics"/>, or a clear error naming the valid ones.</summary>
    public double Monitored(IReadOnlyDictionary<string, double> metrics)
    {
        var name = _setup.Config.MetricForCheckpointing;
        if (metrics.TryGetValue(name, out var value)) return value;
        throw new OmlException($"metric_for_checkpointing = '{name}' is not among the validation metrics{NameSuggestions.DidYouMean(name, metrics.Keys)}; " +
                               $"they are: {string.Join(", ", metrics.Keys)}");
    }

    public void SaveBest(int epoch, double monitored)
    {
        var state = _setup.State;
        state.Best = monitored;
        state.BestEpoch = epoch;
        var best = Path.Combine(_setup.Checkpoints, "best.ckpt");
        Save(best);
        state.BestCheckpoint = best;
        _emit(new CheckpointSaved("best", best, epoch));
    }

    /// <summary>
    /// Whether <c>last.ckpt</c> is written after this epoch: epochs of a few steps would otherwise spend much of their
    /// time writing the same file.
    /// </summary>
    public bool LastIsDue(bool validated, bool isLastEpoch, bool maxTimeReached) =>
        validated || isLastEpoch || maxTimeReached || _sinceLastSave.Elapsed >= LastCheckpointInterval;

    public void SaveLast(int epoch)
    {
        _sinceLastSave.Restart();
        var state = _setup.State;
        var last = Path.Combine(_setup.Checkpoints, "last.ckpt");
        Save(last);
        state.LastCheckpoint = last;
        _emit(new CheckpointSaved("last", last, epoch));
    }

    private void Save(string path) => TrainingCheckpoint.Save(path, _setup.State.Snapshot(_setup.Schedule), _setup.Objective.ModelEntry, _setup.Model,
        _setup.Objective.CriterionModule, _setup.Optimizer.Optimizer);
}
