using System.Diagnostics;
using Oml.Data;
using Oml.Images;
using Oml.Losses;
using Oml.Metrics;
using Oml.Models;
using Oml.Optimization;
using Oml.Pipelines.Events;
using Oml.Postprocessing;
using Oml.Registries;
using Oml.Runtime;
using Oml.Samplers;
using Oml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Pipelines;

/// <summary>
/// <c>oml train</c>: OML's training pipeline (<c>oml/lightning/pipelines/train.py: extractor_training_pipeline</c>) in its order — seed, datasets, sampler, extractor, criterion with
/// <c>label2category</c>, optimizer over extractor + criterion parameters, scheduler — then epochs with validation
/// every <c>valid_period</c> epochs (and after the last), <c>best.ckpt</c> by <c>metric_for_checkpointing</c>,
/// <c>last.ckpt</c> after every epoch, logs, and one event stream for the front ends.
/// </summary>
public sealed class TrainPipeline
{
    private readonly TrainPipelineConfig _config;
    private readonly IProgress<PipelineEvent>? _progress;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Stopwatch _sinceLastSave = Stopwatch.StartNew();

    /// <summary>The longest time between two <c>last.ckpt</c> writes on epochs without validation.</summary>
    public static readonly TimeSpan LastCheckpointInterval = TimeSpan.FromSeconds(60);

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
        var config = _config;
        TorchRuntime.EnsureLoaded();
        PipelineParts.ThrowIfInputsMissing(Path.Combine(config.DatasetRoot, config.DataframeName), config.Extractor, config.TransformsTrain, config.TransformsVal);
        var resume = config.Resume is null ? null : ResumePoint.Read(config.Resume);

        // 1. seed
        manual_seed(config.Seed);
        var device = new Device(config.Engine.Device);

        // 2. datasets
        var frame = PipelineParts.LoadFrame(config.DatasetRoot, config.DataframeName);
        if (frame.Train.Count == 0) throw new OmlException($"{frame.Source} has no train rows (split = train)");
        if (frame.Validation.Count == 0) throw new OmlException($"{frame.Source} has no validation rows (split = validation)");
        var notes = new List<string>(config.Notes);
        if (config.ShowDatasetWarnings) notes.AddRange(frame.Warnings.Select(w => $"dataset: {w}"));
        var train = ImageDataset.Train(frame, PipelineParts.Transform(config.TransformsTrain), config.CacheSize, config.Seed);
        var validation = ImageDataset.Validation(frame, PipelineParts.Transform(config.TransformsVal), config.CacheSize, config.Seed);
        var label2Category = frame.TrainLabelToCategory();

        // 3. sampler
        var labels = train.Labels();
        var sampler = config.Sampler is null
            ? new RandomBatchSampler(train.Count, config.BatchSizeTrain!.Value, config.Seed)
            : Registry.Samplers.Create(config.Sampler.Name, config.Sampler.CreateArgs(), new SamplerContext(labels, label2Category, config.Seed));

        // 4. extractor, criterion, optimizer, scheduler
        var extractor = PipelineParts.Extractor(config.Extractor, device);
        var handedOver = false;
        try
        {
            using var criterionModule = Registry.Losses.Create(config.Criterion.Name, config.Criterion.CreateArgs(),
                new LossContext(label2Category, frame.TrainLabelCount, config.Seed));
            var criterion = Criterion.From(criterionModule, config.Criterion);
            if (device.type != DeviceType.CPU) criterionModule.to(device);
            if (config.FreezeNEpochs > 0 && extractor is not IFreezable)
            {
                throw new OmlException($"freeze_n_epochs = {config.FreezeNEpochs} needs an extractor with a backbone to freeze (extractor_with_mlp); '{config.Extractor.Name}' has none");
            }
            using var optimizer = Registry.Optimizers.Create(config.Optimizer.Name, config.Optimizer.CreateArgs(),
                new OptimizerContext(extractor.parameters(), criterionModule.parameters()));
            using var schedule = config.Scheduling is null ? null : new ScheduleStepper(config.Scheduling, optimizer.Optimizer);

            var runDirectory = resume?.RunDirectory ?? config.Logs.RunDirectory;
            var checkpoints = Path.Combine(runDirectory, "checkpoints");
            Directory.CreateDirectory(checkpoints);
            ConfigYaml.Write(Path.Combine(runDirectory, resume is null ? "config.yaml" : $"config_resume_{DateTime.Now:yyyyMMdd_HHmmss}.yaml"), config.Values);

            var state = new RunState(config);
            if (resume is not null)
            {
                TrainingCheckpoint.LoadExtractor(resume.Path, extractor);
                TrainingCheckpoint.LoadTrainingState(resume.Path, criterionModule, optimizer.Optimizer);
                schedule?.Replay(resume.State);
                state.RestoreFrom(resume.State);
                notes.Add($"resumed from {resume.Path} after epoch {resume.State.EpochsCompleted}");
            }

            var stepsPerEpoch = Math.Min(sampler.BatchesPerEpoch, config.LimitTrainBatches ?? int.MaxValue);
            if (stepsPerEpoch == 0) throw new OmlException("the sampler gives no batches per epoch; check the sampler args against the train split");
            Emit(new RunStarted(Path.GetFullPath(runDirectory), config.Engine.Device, state.EpochsCompleted, config.MaxEpochs, stepsPerEpoch,
                sampler.BatchSize, train.Count, validation.Count, extractor.parameters().Sum(p => p.numel()), notes));

            using var log = new TrainingLog(runDirectory);
            var validationSetup = ValidationSet.Setup(frame);
            var categories = ValidationSet.Categories(frame);
            var postprocessor = PostprocessorBlock.Create(config.Postprocessor);
            Func<Tensor, EmbeddingMetricsResult> computeMetrics = embeddings =>
                EmbeddingMetrics.Compute(embeddings, validationSetup, config.MetricArgs, categories, postprocessor: postprocessor);
            var stopReason = TrainStopReason.Completed;
            IReadOnlyDictionary<string, double> lastMetrics = state.LastMetrics;
            EmbeddingMetricsResult? lastValidation = null;
            var stepLosses = new List<(long Step, double Loss)>();

            for (var epoch = state.EpochsCompleted; epoch < config.MaxEpochs; epoch++)
            {
                manual_seed(config.Seed + epoch); // per-epoch seed: a resumed run draws what an uninterrupted one would
                if (extractor is IFreezable freezable)
                {
                    if (epoch < config.FreezeNEpochs) freezable.Freeze();
                    else if (config.FreezeNEpochs > 0) freezable.Unfreeze();
                }
                var batches = sampler.Epoch(epoch).Take(stepsPerEpoch).ToArray();
                Emit(new EpochStarted(epoch, batches.Length, optimizer.LearningRates[0]));
                var epochClock = Stopwatch.StartNew();
                double lossSum = 0;
                var images = 0;
                extractor.train();
                criterionModule.train();
                using (var loader = new TrainBatchLoader(train, batches, epoch, config.NumWorkers))
                {
                    for (var step = 0; step < batches.Length; step++)
                    {
                        if (cancellationToken.IsCancellationRequested)
                        {
                            stopReason = TrainStopReason.Cancelled;
                            break;
                        }
                        var stepClock = Stopwatch.StartNew();
                        var waitBefore = loader.WaitSeconds;
                        using var batch = loader.Next()!;
                        var wait = loader.WaitSeconds - waitBefore;
                        double loss;
                        IReadOnlyDictionary<string, double> logs;
                        using (NewDisposeScope())
                        {
                            optimizer.ZeroGrad();
                            var features = extractor.forward(batch.Images.to(device));
                            using var labelTensor = tensor(batch.Labels, device: device);
                            var lossTensor = criterion.Forward(features, labelTensor);
                            loss = lossTensor.item<float>();
                            if (!double.IsFinite(loss))
                            {
                                throw new OmlException(
                                    $"the loss became {loss} at epoch {epoch}, step {step} (global step {state.GlobalStep}); training stopped before that update. " +
                                    (state.LastCheckpoint is null ? "No checkpoint was written yet. " : $"The last good checkpoint is {state.LastCheckpoint}. ") +
                                    "Try a smaller optimizer.args.lr, a margin, or normalise_features: true");
                            }
                            lossTensor.backward();
                            optimizer.Step();
                            logs = criterion.LastLogs();
                        }
                        state.GlobalStep++;
                        schedule?.AfterStep(state.GlobalStep);
                        lossSum += loss;
                        images += batch.Rows.Length;
                        var seconds = stepClock.Elapsed.TotalSeconds;
                        var lr = optimizer.LearningRates[0];
                        log.Step(epoch, state.GlobalStep, loss, logs, lr);
                        stepLosses.Add((state.GlobalStep, loss));
                        Emit(new TrainStepCompleted(epoch, step, batches.Length, state.GlobalStep, loss, logs, lr, seconds, wait, batch.Rows.Length / Math.Max(seconds, 1e-9),
                            DisposeScopeManager.Statistics.ThreadTotalLiveCount, Environment.WorkingSet, GC.GetGCMemoryInfo().TotalCommittedBytes));
                        state.StepsInEpoch = step + 1;
                    }
                    var epochSeconds = epochClock.Elapsed.TotalSeconds;
                    Emit(new EpochCompleted(epoch, lossSum / Math.Max(1, state.StepsInEpoch), epochSeconds, loader.WaitSeconds / Math.Max(epochSeconds, 1e-9), images / Math.Max(epochSeconds, 1e-9)));
                }
                log.EndEpoch();

                if (stopReason == TrainStopReason.Cancelled)
                {
                    // the interrupted epoch is not counted: resuming repeats it from its first batch
                    state.StepsInEpoch = 0;
                    SaveLast(state, extractor, criterionModule, optimizer, schedule, checkpoints, epoch);
                    break;
                }

                var meanLoss = lossSum / Math.Max(1, state.StepsInEpoch);
                var isLastEpoch = epoch == config.MaxEpochs - 1;
                var maxTimeReached = config.MaxTime is { } limit && _clock.Elapsed >= limit;
                Dictionary<string, double>? epochMetrics = null;
                var monitored = double.NaN;
                var isBest = false;
                var validationSeconds = 0.0;
                if ((epoch + 1) % config.ValidPeriod == 0 || isLastEpoch || maxTimeReached)
                {
                    EmbeddingMetricsResult result;
                    var validationClock = Stopwatch.StartNew();
                    try
                    {
                        result = Validate(epoch, extractor, validation, computeMetrics, device, frame, log, state.GlobalStep, runDirectory, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        stopReason = TrainStopReason.Cancelled;
                        state.EpochsCompleted = epoch + 1;
                        state.History.Add(new EpochRecord(epoch, meanLoss, _clock.Elapsed.TotalSeconds, optimizer.LearningRates[0], null));
                        SaveLast(state, extractor, criterionModule, optimizer, schedule, checkpoints, epoch);
                        break;
                    }
                    epochMetrics = result.Metrics.ToDictionary(p => p.Key, p => p.Value);
                    lastMetrics = epochMetrics;
                    lastValidation = result;
                    monitored = MonitoredValue(epochMetrics);
                    isBest = state.IsImprovement(monitored);
                    validationSeconds = validationClock.Elapsed.TotalSeconds;
                    schedule?.AfterValidation(monitored);
                }
                state.History.Add(new EpochRecord(epoch, meanLoss, _clock.Elapsed.TotalSeconds, optimizer.LearningRates[0], epochMetrics));
                schedule?.AfterEpoch(epoch + 1);
                state.EpochsCompleted = epoch + 1;
                state.StepsInEpoch = 0;
                if (isBest)
                {
                    // written after the scheduler stepped, so best.ckpt resumes exactly like last.ckpt of the same epoch
                    state.Best = monitored;
                    state.BestEpoch = epoch;
                    var best = Path.Combine(checkpoints, "best.ckpt");
                    TrainingCheckpoint.Save(best, state.Snapshot(schedule), extractor, criterionModule, optimizer.Optimizer);
                    state.BestCheckpoint = best;
                    Emit(new CheckpointSaved("best", best, epoch));
                }
                if (epochMetrics is not null)
                {
                    Emit(new ValidationCompleted(epoch, epochMetrics, config.MetricForCheckpointing, monitored, isBest, validationSeconds));
                }
                // last.ckpt after every validated epoch, at least every LastCheckpointInterval, and at the end: epochs of a
                // few steps would otherwise spend much of their time writing the same file
                if (epochMetrics is not null || isLastEpoch || maxTimeReached || _sinceLastSave.Elapsed >= LastCheckpointInterval)
                {
                    SaveLast(state, extractor, criterionModule, optimizer, schedule, checkpoints, epoch);
                }
                if (maxTimeReached && !isLastEpoch)
                {
                    stopReason = TrainStopReason.MaxTimeReached;
                    break;
                }
            }

            var runResult = new TrainRunResult
            {
                RunDirectory = Path.GetFullPath(runDirectory),
                StopReason = stopReason,
                EpochsCompleted = state.EpochsCompleted,
                BestCheckpoint = state.BestCheckpoint ?? ExistingOrNull(Path.Combine(checkpoints, "best.ckpt")),
                LastCheckpoint = state.LastCheckpoint,
                BestMetric = state.Best,
                MonitoredMetric = config.MetricForCheckpointing,
                History = state.History.ToArray(),
                LastMetrics = lastMetrics,
                Extractor = extractor,
                StepLosses = stepLosses,
                LastValidation = lastValidation,
                Frame = frame,
            };
            Emit(new RunCompleted(runResult));
            extractor.eval();
            handedOver = true;
            return runResult;
        }
        finally
        {
            // the trained extractor goes to the caller with the result (notebooks keep using it); on failure it is freed here
            if (!handedOver) extractor.Dispose();
        }
    }

    private EmbeddingMetricsResult Validate(int epoch, Extractor extractor, ImageDataset validation, Func<Tensor, EmbeddingMetricsResult> computeMetrics, Device device,
        DatasetFrame frame, TrainingLog log, long globalStep, string runDirectory, CancellationToken cancellationToken)
    {
        Emit(new ValidationStarted(epoch, validation.Count));
        using var embeddings = EmbeddingExtraction.Run(extractor, validation, _config.BatchSizeVal, _config.NumWorkers, device,
            (done, total) => Emit(new ValidationProgress(done, total)), cancellationToken);
        var result = computeMetrics(embeddings);
        log.Validation(epoch, globalStep, result.Metrics);
        if (_config.LogImages)
        {
            var directory = Path.Combine(runDirectory, "images", $"epoch_{epoch:D3}");
            foreach (var file in WorstQueryFigures.Write(result, frame, directory))
            {
                log.Image("image_logs/" + Path.GetFileNameWithoutExtension(file), file, globalStep);
            }
        }
        return result;
    }

    private double MonitoredValue(IReadOnlyDictionary<string, double> metrics)
    {
        var name = _config.MetricForCheckpointing;
        if (metrics.TryGetValue(name, out var value)) return value;
        throw new OmlException($"metric_for_checkpointing = '{name}' is not among the validation metrics{Registries.NameSuggestions.DidYouMean(name, metrics.Keys)}; " +
                               $"they are: {string.Join(", ", metrics.Keys)}");
    }

    private void SaveLast(RunState state, Extractor extractor, nn.Module criterion, TrainingOptimizer optimizer, ScheduleStepper? schedule, string checkpoints, int epoch)
    {
        _sinceLastSave.Restart();
        var last = Path.Combine(checkpoints, "last.ckpt");
        TrainingCheckpoint.Save(last, state.Snapshot(schedule), extractor, criterion, optimizer.Optimizer);
        state.LastCheckpoint = last;
        Emit(new CheckpointSaved("last", last, epoch));
    }

    private static string? ExistingOrNull(string path) => File.Exists(path) ? path : null;
}
