using System.Diagnostics;
using Oml.Pipelines.Events;
using Oml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Pipelines;

/// <summary>
/// One epoch's optimizer steps: batches from the loader, forward, loss (a non-finite loss stops before its update),
/// backward, step, scheduler, step log and event. Cancelling stops before the next step.
/// </summary>
internal static class TrainStepLoop
{
    /// <summary>What an epoch's steps did: summed loss, images seen, and whether it was cancelled midway.</summary>
    public readonly record struct Outcome(double LossSum, int Images, bool Cancelled);

    public static Outcome Run(
        TrainingSetup setup, int epoch, int[][] batches, TrainingLog log, List<(long Step, double Loss)> stepLosses,
        Action<PipelineEvent> emit, CancellationToken cancellationToken)
    {
        var state = setup.State;
        var epochClock = Stopwatch.StartNew();
        double lossSum = 0;
        var images = 0;
        var cancelled = false;
        setup.Model.train();
        setup.Objective.CriterionModule.train();
        using (var loader = new TrainBatchLoader(setup.Train, batches, epoch, setup.Config.NumWorkers))
        {
            for (var step = 0; step < batches.Length; step++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    cancelled = true;
                    break;
                }
                var stepClock = Stopwatch.StartNew();
                var waitBefore = loader.WaitSeconds;
                using var batch = loader.Next()!;
                var wait = loader.WaitSeconds - waitBefore;
                var (loss, logs) = Step(setup, batch, epoch, step);
                state.GlobalStep++;
                setup.Schedule?.AfterStep(state.GlobalStep);
                lossSum += loss;
                images += batch.Rows.Length;
                var seconds = stepClock.Elapsed.TotalSeconds;
                var lr = setup.Optimizer.LearningRates[0];
                log.Step(epoch, state.GlobalStep, loss, logs, lr);
                stepLosses.Add((state.GlobalStep, loss));
                emit(new TrainStepCompleted(epoch, step, batches.Length, state.GlobalStep, loss, logs, lr, seconds, wait, batch.Rows.Length / Math.Max(seconds, 1e-9),
                    DisposeScopeManager.Statistics.ThreadTotalLiveCount, Environment.WorkingSet, GC.GetGCMemoryInfo().TotalCommittedBytes));
                state.StepsInEpoch = step + 1;
            }
            var epochSeconds = epochClock.Elapsed.TotalSeconds;
            emit(new EpochCompleted(epoch, lossSum / Math.Max(1, state.StepsInEpoch), epochSeconds, loader.WaitSeconds / Math.Max(epochSeconds, 1e-9), images / Math.Max(epochSeconds, 1e-9)));
        }
        return new Outcome(lossSum, images, cancelled);
    }

    private static (double Loss, IReadOnlyDictionary<string, double> Logs) Step(TrainingSetup setup, TrainBatch batch, int epoch, int step)
    {
        using var scope = NewDisposeScope();
        setup.Optimizer.ZeroGrad();
        var (lossTensor, logs) = setup.Objective.Loss(batch);
        var loss = lossTensor.item<float>();
        if (!double.IsFinite(loss))
        {
            var lastGood = setup.State.LastCheckpoint;
            throw new OmlException(
                $"the loss became {loss} at epoch {epoch}, step {step} (global step {setup.State.GlobalStep}); training stopped before that update. " +
                (lastGood is null ? "No checkpoint was written yet. " : $"The last good checkpoint is {lastGood}. ") +
                "Try a smaller optimizer.args.lr, a margin, or normalise_features: true");
        }
        lossTensor.backward();
        setup.Optimizer.Step();
        return (loss, logs);
    }
}
