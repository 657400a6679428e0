using Oml.Pipelines;
using Oml.Pipelines.Events;

namespace Oml.Tests.Pipelines;

/// <summary>
/// tensor_cache_mb: a run that keeps its transformed images in memory trains exactly as one that decodes them. Alone:
/// the comparison is to the last digit, and a test beside it drawing from LibTorch's process-wide generator between a
/// run's manual_seed and its weight initialisation would change that run's start.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public sealed class TensorCachePipelineTests(TrainingFixture fixture) : IClassFixture<TrainingFixture>
{
    private (TrainRunResult Result, string[] Log, RunStarted Started) Train(TempDirectory dir, params string[] overrides)
    {
        var path = dir.File($"train{overrides.Length}.yaml");
        File.WriteAllText(path, fixture.Config(dir.File("logs")));
        var events = new List<PipelineEvent>();
        var result = TrainPipeline.Run(TrainPipelineConfig.Load(path, ["max_epochs=2", .. overrides]),
            new Progress(events.Add), TestContext.Current.CancellationToken);
        var log = File.ReadAllLines(Path.Combine(result.RunDirectory, "log.csv")).Skip(1).Select(l => l[(l.IndexOf(',') + 1)..]).ToArray();
        return (result, log, events.OfType<RunStarted>().Single());
    }

    private sealed class Progress(Action<PipelineEvent> onEvent) : IProgress<PipelineEvent>
    {
        public void Report(PipelineEvent value) => onEvent(value);
    }

    [Fact]
    public void KeepingImagesInMemoryChangesNoLossNoMetricAndNoWeight()
    {
        using var dir = new TempDirectory();
        var (decoded, decodedLog, _) = Train(dir, "tensor_cache_mb=0", "logs_folder=decoded");
        var (kept, keptLog, started) = Train(dir, "logs_folder=kept"); // default: 1024 MB, both splits kept
        using (decoded)
        using (kept)
        {
            Assert.Equal(decodedLog, keptLog); // every loss, log value and metric of every step and validation, to the last digit
            Assert.DoesNotContain(started.Notes, n => n.Contains("tensor_cache_mb", StringComparison.Ordinal));
            Assert.Equal(decoded.LastMetrics, kept.LastMetrics);
        }
    }

    [Fact]
    public void ASplitThatDoesNotFitIsDecodedWithANoteSayingWhatWouldFit()
    {
        using var dir = new TempDirectory();
        // 32 validation images of 3 x 32 x 32 floats take 384 KB: 1 MB holds them; the 32 train images at 128 px (6 MB) then do not fit
        var (result, _, started) = Train(dir, "tensor_cache_mb=1", "max_epochs=1", "transforms_train.args.im_size=128");
        using (result)
        {
            var note = Assert.Single(started.Notes, n => n.Contains("tensor_cache_mb", StringComparison.Ordinal));
            Assert.Contains("train images", note, StringComparison.Ordinal);
            Assert.Contains("set tensor_cache_mb to 7 or more", note, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ANegativeBoundIsAConfigError()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<OmlException>(() => Train(dir, "tensor_cache_mb=-1"));
        Assert.Contains("tensor_cache_mb = -1", e.Message, StringComparison.Ordinal);
    }
}
