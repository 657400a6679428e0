using System.Diagnostics;
using Oml.Config;
using Oml.Losses;
using Oml.Models;
using Oml.Pipelines;
using Oml.Pipelines.Events;
using Oml.Registries;
using Oml.Training;
using Oml.Weights;

namespace Oml.Tests.Pipelines;

public sealed class TrainPipelineTests(TrainingFixture fixture) : IClassFixture<TrainingFixture>
{
    private static TrainPipelineConfig Load(string yaml, string directory, params string[] overrides)
    {
        var path = Path.Combine(directory, "train.yaml");
        File.WriteAllText(path, yaml);
        return TrainPipelineConfig.Load(path, overrides);
    }

    private sealed class Recorder(Action<PipelineEvent>? onEvent = null) : IProgress<PipelineEvent>
    {
        public List<PipelineEvent> Events { get; } = [];

        public void Report(PipelineEvent value)
        {
            Events.Add(value);
            onEvent?.Invoke(value);
        }
    }

    [Fact]
    public void TrainingWritesCheckpointsLogsAndValidatesEveryPeriod()
    {
        using var dir = new TempDirectory();
        var config = Load(fixture.Config(dir.File("logs")), dir.Path, "max_epochs=3", "valid_period=2", "log_images=true");
        var events = new Recorder();
        using var result = TrainPipeline.Run(config, events, TestContext.Current.CancellationToken);

        Assert.Equal(TrainStopReason.Completed, result.StopReason);
        Assert.Equal(3, result.EpochsCompleted);
        // validation after epoch 2 (valid_period) and after the last epoch
        Assert.Equal([1, 2], events.Events.OfType<ValidationCompleted>().Select(v => v.Epoch));
        Assert.Equal(6, events.Events.OfType<TrainStepCompleted>().Count()); // 4 train labels // 2 = 2 steps per epoch
        Assert.True(File.Exists(result.LastCheckpoint));
        Assert.True(File.Exists(result.BestCheckpoint));
        var state = TrainingCheckpoint.ReadState(result.LastCheckpoint!);
        Assert.Equal(3, state.EpochsCompleted);
        Assert.Equal(6, state.GlobalStep);
        Assert.Equal("resnet", state.ExtractorName);
        Assert.Equal(result.BestMetric, state.BestMetric);
        Assert.Contains("OVERALL/cmc/1", result.LastMetrics.Keys);

        var csv = File.ReadAllLines(Path.Combine(result.RunDirectory, "log.csv"));
        Assert.Equal("time,epoch,step,kind,name,value", csv[0]);
        Assert.Equal(6, csv.Count(l => l.Contains(",train,loss,", StringComparison.Ordinal)));
        Assert.Contains(csv, l => l.Contains(",train,active_tri,", StringComparison.Ordinal));
        Assert.Equal(2, csv.Count(l => l.Contains(",val,OVERALL/cmc/1,", StringComparison.Ordinal)));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(result.RunDirectory, "tensorboard"), "events.out.tfevents*", SearchOption.AllDirectories));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(result.RunDirectory, "images"), "*.png", SearchOption.AllDirectories));
        Assert.Single(Directory.GetFiles(Path.Combine(result.RunDirectory, "tensorboard"), "events.out.tfevents*.images")); // the figures, PNG bytes as written
        var saved = ConfigLoader.Load(Path.Combine(result.RunDirectory, "config.yaml")).Values;
        Assert.Equal(3L, saved["max_epochs"]);
        Assert.Empty(Directory.GetFiles(Path.Combine(result.RunDirectory, "checkpoints"), ".oml-tmp-*"));
    }

    [Fact]
    public void ANonFiniteLossStopsBeforeTheUpdateAndKeepsTheLastGoodCheckpoint()
    {
        Registry.Losses["test_nan_from_epoch_1"] = (args, _) => new NanFromEpoch(args.GetInt("after_steps"));
        using var dir = new TempDirectory();
        var yaml = fixture.Config(dir.File("logs")).Replace("  name: triplet_with_miner", "  name: test_nan_from_epoch_1", StringComparison.Ordinal)
            .Replace("    margin: 0.2\n    miner: {name: all_triplets, args: {}}", "    after_steps: 2", StringComparison.Ordinal);
        var config = Load(yaml, dir.Path, "max_epochs=3");

        OmlException error;
        try
        {
            error = Assert.Throws<OmlException>(() => TrainPipeline.Run(config, null, TestContext.Current.CancellationToken));
        }
        finally
        {
            Registry.Losses.Remove("test_nan_from_epoch_1");
        }
        Assert.Contains("the loss became NaN at epoch 1, step 0", error.Message);
        Assert.Contains("last.ckpt", error.Message);
        var last = Path.Combine(dir.File("logs"), "run", "checkpoints", "last.ckpt");
        Assert.Equal(1, TrainingCheckpoint.ReadState(last).EpochsCompleted);
    }

    [Fact]
    public void CancellingStopsWithinAStepAndLeavesALastCheckpointToResumeFrom()
    {
        using var dir = new TempDirectory();
        var config = Load(fixture.Config(dir.File("logs")), dir.Path, "max_epochs=5");
        using var stop = new CancellationTokenSource();
        var steps = 0;
        var recorder = new Recorder(e =>
        {
            if (e is TrainStepCompleted && ++steps == 3) stop.Cancel();
        });
        using var result = TrainPipeline.Run(config, recorder, stop.Token);

        Assert.Equal(TrainStopReason.Cancelled, result.StopReason);
        Assert.Equal(3, steps);
        var state = TrainingCheckpoint.ReadState(result.LastCheckpoint!);
        Assert.Equal(1, state.EpochsCompleted); // the interrupted second epoch is repeated on resume

        using var resumed = TrainPipeline.Run(Load(fixture.Config(dir.File("logs")), dir.Path, "max_epochs=5", $"resume={result.LastCheckpoint}"), null, TestContext.Current.CancellationToken);
        Assert.Equal(5, resumed.EpochsCompleted);
        Assert.Equal(5, resumed.History.Count);
    }

    [Fact]
    public void FreezeNEpochsFreezesTheBackboneAndThenTrainsIt()
    {
        using var dir = new TempDirectory();
        // The backbone starts from a weights file, not from the global random generator: tests beside this one
        // draw from that generator concurrently, so a re-seeded copy of the initial weights would not be equal.
        using var initial = new ResnetExtractor("resnet18");
        var initialWeights = dir.File("initial.safetensors");
        StateDictFile.Write(initial.state_dict(), initialWeights, WeightsFormat.Safetensors);
        var yaml = fixture.Config(dir.File("logs")).Replace(
            "  name: resnet\n  args: {arch: resnet18, gem_p: null, remove_fc: true, normalise_features: true, weights: null}",
            "  name: extractor_with_mlp\n  args:\n    mlp_features: [16]\n    extractor: {name: resnet, args: {arch: resnet18, remove_fc: true, weights: " + initialWeights + "}}",
            StringComparison.Ordinal);
        Assert.Contains("extractor_with_mlp", yaml);

        Tensor BackboneAfter(int epochs, string name)
        {
            var config = Load(yaml.Replace("logs_folder: run", $"logs_folder: {name}", StringComparison.Ordinal), dir.Path,
                $"max_epochs={epochs}", "freeze_n_epochs=1");
            using var result = TrainPipeline.Run(config, null, TestContext.Current.CancellationToken);
            using var model = Registry.Extractors.Create("extractor_with_mlp", new Oml.Registries.BlockArgs(config.Extractor.Args, "extractor.args"));
            TrainingCheckpoint.LoadExtractor(result.LastCheckpoint!, model);
            return ((ExtractorWithMlp)model).Backbone.parameters().First().detach().clone();
        }

        using var initialBackbone = initial.parameters().First().detach().clone();
        using var afterFrozenEpoch = BackboneAfter(1, "frozen");
        using var afterUnfrozenEpoch = BackboneAfter(2, "unfrozen");

        Assert.True(initialBackbone.allclose(afterFrozenEpoch, 0, 0), "the backbone changed during the frozen epoch");
        Assert.False(initialBackbone.allclose(afterUnfrozenEpoch, 0, 0), "the backbone did not train after unfreezing");
    }

    /// <summary>A loss that is finite for the first steps and NaN afterwards.</summary>
    private sealed class NanFromEpoch : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly int _afterSteps;
        private int _calls;

        public NanFromEpoch(int afterSteps) : base(nameof(NanFromEpoch))
        {
            _afterSteps = afterSteps;
        }

        public override Tensor forward(Tensor features, Tensor labels)
        {
            var loss = features.pow(2).mean();
            return ++_calls > _afterSteps ? loss * double.NaN : loss;
        }
    }
}
