using System.Diagnostics;
using Oml.Images;
using Oml.IO;
using Oml.Metrics;
using Oml.Models;
using Oml.Pipelines.Events;
using Oml.Postprocessing;
using Oml.Runtime;
using Oml.Training;
using static TorchSharp.torch;

namespace Oml.Pipelines;

/// <summary>
/// <c>oml train</c>: OML's training pipeline (<c>oml/lightning/pipelines/train.py: extractor_training_pipeline</c>) in
/// three parts: the assembly (<see cref="TrainingSetup"/>: seed, datasets, sampler, extractor, criterion, optimizer,
/// scheduler, resume), the steps of an epoch (<see cref="TrainStepLoop"/>), and what happens at an epoch's end
/// (<see cref="ValidationAndCheckpoints"/>: validation every <c>valid_period</c> epochs and after the last,
/// <c>best.ckpt</c> by <c>metric_for_checkpointing</c>, <c>last.ckpt</c>); logs, and one event stream for the front ends.
/// </summary>
public sealed class TrainPipeline
{
    private readonly TrainPipelineConfig _config;
    private readonly IProgress<PipelineEvent>? _progress;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>The longest time between two <c>last.ckpt</c> writes on epochs without validation.</summary>
    public static readonly TimeSpan LastCheckpointInterval = ValidationAndCheckpoints.LastCheckpointInterval;

    private TrainPipeline(TrainPipelineConfig config, IProgress<PipelineEvent>? progress)
    {
        _config = config;
        _progress = progress;
    }

    /// <summary>Runs the pipeline; cancelling stops within one step and writes <c>last.ckpt</c> first.</summary>
    public static TrainRunResult Run(TrainPipelineConfig config, IProgress<PipelineEvent>? progress = null, CancellationToken cancellationToken = default) =>
        new TrainPipeline(config, progress).Run(cancellationToken);

    private void Emit(PipelineEvent e) => _progress?.Report(e with { Elapsed = _clock.Elapsed });

    private TrainRunResult Run(CancellationToken cancellationToken)
    {
        TorchRuntime.EnsureLoaded();
        // every image reader the run builds (datasets, worst-query figures) takes the config's pixel limit
        using var decoding = ImageDecoder.Use(ImageDecoder.WithMaxPixels(_config.MaxImagePixels));
        using var downloads = Zoo.PretrainedWeights.ReportDownloadsTo(PipelineDownloadObserver.For(_progress));
        using var setup = TrainingSetup.Build(_config);
        var firstStep = setup.State.GlobalStep;
        try
        {
            return OutputLocation.Writing(setup.RunDirectoryKey, () => Train(setup, cancellationToken));
        }
        catch when (setup.State.GlobalStep == firstStep)
        {
            setup.RemoveRunFolderIfMade(); // failed before its first step: nothing in the run folder is worth keeping
            throw;
        }
    }

    private TrainRunResult Train(TrainingSetup setup, CancellationToken cancellationToken)
    {
        var config = _config;
        var state = setup.State;
        Emit(new RunStarted(Path.GetFullPath(setup.RunDirectory), config.Engine.Device, state.EpochsCompleted, config.MaxEpochs, setup.StepsPerEpoch,
            setup.Sampler.BatchSize, setup.Train.Count, setup.Validation.Count, setup.Model.parameters().Sum(p => p.numel()), setup.Notes));

        using var log = new TrainingLog(setup.RunDirectory);
        var epochEnd = new ValidationAndCheckpoints(setup, log, Emit);
        var stopReason = TrainStopReason.Completed;
        var lastMetrics = state.LastMetrics;
        EmbeddingMetricsResult? lastValidation = null;
        var stepLosses = new List<(long Step, double Loss)>();

        for (var epoch = state.EpochsCompleted; epoch < config.MaxEpochs; epoch++)
        {
            manual_seed(config.Seed + epoch); // per-epoch seed: a resumed run draws what an uninterrupted one would
            if (setup.Model is IFreezable freezable)
            {
                if (epoch < config.FreezeNEpochs) freezable.Freeze();
                else if (config.FreezeNEpochs > 0) freezable.Unfreeze();
            }
            var batches = setup.Sampler.Epoch(epoch).Take(setup.StepsPerEpoch).ToArray();
            Emit(new EpochStarted(epoch, batches.Length, setup.Optimizer.LearningRates[0]));
            var steps = TrainStepLoop.Run(setup, epoch, batches, log, stepLosses, Emit, cancellationToken);
            log.EndEpoch();
            if (steps.Cancelled)
            {
                // the interrupted epoch is not counted: resuming repeats it from its first batch
                stopReason = TrainStopReason.Cancelled;
                state.StepsInEpoch = 0;
                epochEnd.SaveLast(epoch);
                break;
            }

            var meanLoss = steps.LossSum / Math.Max(1, state.StepsInEpoch);
            var isLastEpoch = epoch == config.MaxEpochs - 1;
            var maxTimeReached = config.MaxTime is { } limit && _clock.Elapsed >= limit;
            Dictionary<string, double>? epochMetrics = null;
            var monitored = double.NaN;
            var isBest = false;
            var validationSeconds = 0.0;
            if (epochEnd.IsDue(epoch, isLastEpoch, maxTimeReached))
            {
                EmbeddingMetricsResult result;
                var validationClock = Stopwatch.StartNew();
                try
                {
                    result = epochEnd.Validate(epoch, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    stopReason = TrainStopReason.Cancelled;
                    state.EpochsCompleted = epoch + 1;
                    state.History.Add(new EpochRecord(epoch, meanLoss, _clock.Elapsed.TotalSeconds, setup.Optimizer.LearningRates[0], null));
                    epochEnd.SaveLast(epoch);
                    break;
                }
                epochMetrics = result.Metrics.ToDictionary(p => p.Key, p => p.Value);
                lastMetrics = epochMetrics;
                lastValidation = result;
                monitored = epochEnd.Monitored(epochMetrics);
                isBest = state.IsImprovement(monitored);
                validationSeconds = validationClock.Elapsed.TotalSeconds;
                setup.Schedule?.AfterValidation(monitored);
            }
            state.History.Add(new EpochRecord(epoch, meanLoss, _clock.Elapsed.TotalSeconds, setup.Optimizer.LearningRates[0], epochMetrics));
            setup.Schedule?.AfterEpoch(epoch + 1);
            state.EpochsCompleted = epoch + 1;
            state.StepsInEpoch = 0;
            if (isBest) epochEnd.SaveBest(epoch, monitored);
            if (epochMetrics is not null)
            {
                Emit(new ValidationCompleted(epoch, epochMetrics, config.MetricForCheckpointing, monitored, isBest, validationSeconds));
            }
            if (epochEnd.LastIsDue(epochMetrics is not null, isLastEpoch, maxTimeReached)) epochEnd.SaveLast(epoch);
            if (maxTimeReached && !isLastEpoch)
            {
                stopReason = TrainStopReason.MaxTimeReached;
                break;
            }
        }

        var runResult = new TrainRunResult
        {
            RunDirectory = Path.GetFullPath(setup.RunDirectory),
            StopReason = stopReason,
            EpochsCompleted = state.EpochsCompleted,
            BestCheckpoint = state.BestCheckpoint ?? ExistingOrNull(Path.Combine(setup.Checkpoints, "best.ckpt")),
            LastCheckpoint = state.LastCheckpoint,
            BestMetric = state.Best,
            MonitoredMetric = config.MetricForCheckpointing,
            History = state.History.ToArray(),
            LastMetrics = lastMetrics,
            Extractor = setup.Objective is ExtractorObjective ? (Extractor)setup.HandOverModel() : null,
            PairwiseModel = setup.Objective is PairwiseObjective pairwise ? (IPairwiseModel)setup.HandOverModel() : null,
            Baseline = (setup.Objective as PairwiseObjective)?.Baseline,
            StepLosses = stepLosses,
            LastValidation = lastValidation,
            Frame = setup.Frame,
        };
        Emit(new RunCompleted(runResult));
        setup.Model.eval();
        return runResult;
    }

    private static string? ExistingOrNull(string path) => File.Exists(path) ? path : null;
}
