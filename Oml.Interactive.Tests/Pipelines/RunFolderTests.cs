using Oml.IO;
using Oml.Pipelines;
using Oml.Pipelines.Events;
using Oml.Registries;

namespace Oml.Tests.Pipelines;

/// <summary>
/// The run folder: checked before anything expensive, gone again when a run fails before its first step, and freed of
/// the temporary files of a write that a killed run left.
/// </summary>
public sealed class RunFolderTests(TrainingFixture fixture) : TempDirectoryTest, IClassFixture<TrainingFixture>
{
    private TrainRunResult Run(string logsRoot, IProgress<PipelineEvent>? events, params string[] overrides) =>
        TrainPipeline.Run(TrainPipelineConfig.Load(Dir.Write("train.yaml", fixture.Config(logsRoot)), overrides), events, TestContext.Current.CancellationToken);

    private sealed class Events : IProgress<PipelineEvent>
    {
        public List<PipelineEvent> All { get; } = [];

        public void Report(PipelineEvent value) => All.Add(value);
    }

    [Fact]
    public void ARunThatFailsBeforeItsFirstStepLeavesNoRunFolder()
    {
        var logs = Dir.File("logs");
        var error = Assert.Throws<OmlException>(() => Run(logs, null, "sampler.args.n_labels=8")); // the train split has 4 labels
        Assert.Contains("n_labels=8", error.Message);
        Assert.False(Directory.Exists(logs), "the run folder (and logs_root, made for it) should be gone");
    }

    [Fact]
    public void ARunWhoseFirstStepFailsLeavesNoRunFolderButAnExistingLogsRootStays()
    {
        const string name = "test_nan_at_once";
        Registry.Losses[name] = (_, _) => new NanLoss();
        var logs = Directory.CreateDirectory(Dir.File("logs")).FullName;
        try
        {
            var yaml = fixture.Config(logs).Replace("  name: triplet_with_miner", $"  name: {name}", StringComparison.Ordinal)
                .Replace("    margin: 0.2\n    miner: {name: all_triplets, args: {}}", "    {}", StringComparison.Ordinal);
            var config = TrainPipelineConfig.Load(Dir.Write("nan.yaml", yaml));
            var error = Assert.Throws<OmlException>(() => TrainPipeline.Run(config, null, TestContext.Current.CancellationToken));
            Assert.Contains("No checkpoint was written yet", error.Message);
        }
        finally
        {
            Registry.Losses.Remove(name);
        }
        Assert.True(Directory.Exists(logs));
        Assert.Empty(Directory.GetFileSystemEntries(logs));
    }

    [Fact]
    public void AReadOnlyLogsRootIsNamedBeforeTheDataIsRead()
    {
        var logs = Path.Combine(UnwritableFolder.In(Dir), "logs");
        Dir.Write("broken/df.csv", "not,an,oml,dataframe\n"); // read first, this would be the error
        var error = Assert.Throws<OmlException>(() => Run(logs, null, $"dataset_root={Dir.File("broken")}"));
        Assert.StartsWith($"logs_root/logs_folder: cannot create the folder {Path.Combine(logs, "run")}: permission denied", error.Message);
    }

    [Fact]
    public void AResumeRemovesTheTemporaryFilesOfAnInterruptedCheckpointWriteWithANote()
    {
        var logs = Dir.File("logs");
        using (Run(logs, null, "max_epochs=1")) { }
        var checkpoints = Path.Combine(logs, "run", "checkpoints");
        var leftover = Path.Combine(checkpoints, $"{AtomicFile.TempPrefix}last.ckpt.0123abcd.tmp"); // as a run killed while saving leaves it
        File.WriteAllBytes(leftover, new byte[1000]);

        var events = new Events();
        using var resumed = Run(logs, events, "max_epochs=2", $"resume={Path.Combine(checkpoints, "last.ckpt")}");
        Assert.Equal(2, resumed.EpochsCompleted);
        Assert.False(File.Exists(leftover));
        Assert.Contains($"{checkpoints}: removed 1 temporary file(s) left by a write that was interrupted ({Path.GetFileName(leftover)}); " +
                        "the files they were to replace keep their previous, complete content", events.All.OfType<RunStarted>().Single().Notes);
    }

    /// <summary>A loss that is NaN from the first step.</summary>
    private sealed class NanLoss() : nn.Module<Tensor, Tensor, Tensor>(nameof(NanLoss))
    {
        public override Tensor forward(Tensor features, Tensor labels) => features.pow(2).mean() * double.NaN;
    }
}
