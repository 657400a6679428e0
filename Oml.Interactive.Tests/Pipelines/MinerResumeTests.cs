using System.IO.Compression;
using Oml.Models;
using Oml.Pipelines;
using Oml.Pipelines.Events;
using Oml.Weights;

namespace Oml.Tests.Pipelines;

/// <summary>
/// Miners with state that outlives a batch (a memory bank, a random generator) keep it in the checkpoint: a run stopped
/// after its first epoch and resumed ends with the same model and losses as one that ran straight through.
/// </summary>
public sealed class MinerResumeTests(TrainingFixture fixture) : TempDirectoryTest, IClassFixture<TrainingFixture>
{
    [Theory]
    [InlineData("{name: all_triplets, args: {max_output_triplets: 20}}")]
    [InlineData("{name: triplets_with_memory, args: {bank_size_in_batches: 3, tri_expand_k: 3}}")]
    [InlineData("{name: miner_with_bank, args: {bank_size_in_batches: 3, miner: {name: n_hard_triplets, args: {n_positive: 1, n_negative: 2}}}}")]
    public void AResumedRunEndsWithTheSameModelAsAnUninterruptedOne(string miner)
    {
        // The extractor starts from a weights file, not from the global random generator that tests beside this one draw from.
        using (var initial = new ResnetExtractor("resnet18"))
        {
            StateDictFile.Write(initial.state_dict(), Dir.File("initial.safetensors"), WeightsFormat.Safetensors);
        }
        var config = Dir.Write("train.yaml", fixture.Config(Dir.File("logs")).Replace("weights: null", $"weights: {Dir.File("initial.safetensors")}", StringComparison.Ordinal));
        TrainRunResult Run(params string[] overrides) =>
            TrainPipeline.Run(TrainPipelineConfig.Load(config, [$"criterion.args.miner={miner}", "valid_period=10", .. overrides]), null, TestContext.Current.CancellationToken);

        using var straight = Run("logs_folder=straight", "max_epochs=3");
        using (Run("logs_folder=stopped", "max_epochs=1")) { }
        using var resumed = Run("max_epochs=3", $"resume={Path.Combine(Dir.File("logs"), "stopped", "checkpoints", "last.ckpt")}");

        Assert.Equal(3, resumed.EpochsCompleted);
        Assert.Equal(straight.History.Select(h => h.MeanLoss), resumed.History.Select(h => h.MeanLoss));
        var a = straight.Extractor!.named_parameters().ToArray();
        var b = resumed.Extractor!.named_parameters().ToArray();
        Assert.Equal(a.Length, b.Length);
        foreach (var ((name, pa), (_, pb)) in a.Zip(b)) Assert.True(pa.allclose(pb, 0, 0), $"{name} differs after resume");
    }

    [Fact]
    public void ACheckpointWithoutTheMinersStateResumesWithANote()
    {
        var config = Dir.Write("train.yaml", fixture.Config(Dir.File("logs")));
        const string miner = "criterion.args.miner={name: triplets_with_memory, args: {bank_size_in_batches: 2, tri_expand_k: 3}}";
        using (TrainPipeline.Run(TrainPipelineConfig.Load(config, [miner, "max_epochs=1"]), null, TestContext.Current.CancellationToken)) { }
        var last = Path.Combine(Dir.File("logs"), "run", "checkpoints", "last.ckpt");
        using (var zip = ZipFile.Open(last, ZipArchiveMode.Update))
        {
            Assert.NotNull(zip.GetEntry(CheckpointFile.MinerStateEntry));
            zip.GetEntry(CheckpointFile.MinerStateEntry)!.Delete(); // as written before miners kept their state
        }

        var events = new List<PipelineEvent>();
        using var resumed = TrainPipeline.Run(TrainPipelineConfig.Load(config, [miner, "max_epochs=2", $"resume={last}"]),
            new Progress(events.Add), TestContext.Current.CancellationToken);
        Assert.Equal(2, resumed.EpochsCompleted);
        Assert.Contains(events.OfType<RunStarted>().Single().Notes, n => n == $"{last} holds no state of the miner (TripletMinerWithMemory: its memory bank " +
            "or random generator), so it starts afresh; the resumed run mines differently from an uninterrupted one");
    }

    private sealed class Progress(Action<PipelineEvent> report) : IProgress<PipelineEvent>
    {
        public void Report(PipelineEvent value) => report(value);
    }
}
