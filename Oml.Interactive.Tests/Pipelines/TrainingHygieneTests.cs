using System.Diagnostics;
using Oml.Pipelines;
using Oml.Pipelines.Events;
using Oml.Tests.Infrastructure;
using TorchSharp;

namespace Oml.Tests.Pipelines;

/// <summary>
/// TorchSharp hygiene of the training loop. Runs alone (no other test class in parallel), so the process's
/// memory is this loop's.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public sealed class TrainingHygieneTests(TrainingFixture fixture) : IClassFixture<TrainingFixture>
{
    private sealed class Recorder(Action<PipelineEvent> onEvent) : IProgress<PipelineEvent>
    {
        public void Report(PipelineEvent value) => onEvent(value);
    }

    [Fact]
    public void TheTrainingLoopKeepsTheLiveTensorCountAndMemoryFlat()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("train.yaml"), fixture.Config(dir.File("logs")));
        var config = TrainPipelineConfig.Load(dir.File("train.yaml"), ["max_epochs=40", "valid_period=100"]);
        var counts = new List<long>();
        var rss = new List<long>();
        var managed = new List<long>();
        var recorder = new Recorder(e =>
        {
            if (e is not TrainStepCompleted) return;
            counts.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            using var process = Process.GetCurrentProcess();
            rss.Add(process.WorkingSet64);
            managed.Add(GC.GetGCMemoryInfo().TotalCommittedBytes);
        });
        using var result = TrainPipeline.Run(config, recorder, TestContext.Current.CancellationToken);

        Assert.Equal(80, counts.Count);
        // after the first steps (optimizer state is created by the first update) nothing accumulates
        Assert.All(counts.Skip(2), c => Assert.Equal(counts[2], c));
        // native memory (RSS without the managed heap, which the GC sizes as it likes) rises and falls with each
        // batch (glibc keeps freed blocks; batches mine different numbers of triplets), so a leak shows as a rising
        // high-water mark: the second 40 steps must not go above the first 40 (a leaked activation per step would
        // add several MB per step, hundreds over 40 steps)
        var native = rss.Zip(managed, (r, m) => r - m).ToArray();
        var firstHalf = native.Take(40).Max();
        var secondHalf = native.Skip(40).Max();
        Assert.True(secondHalf - firstHalf < 30 << 20,
            $"native memory high-water mark rose from {firstHalf >> 20} to {secondHalf >> 20} MB: {string.Join(", ", native.Select(n => n >> 20))} MB");
    }
}
