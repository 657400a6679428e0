using Oml.Losses;
using Oml.Pipelines;
using Oml.Pipelines.Events;
using Oml.Registries;

namespace Oml.Tests.Pipelines;

/// <summary>
/// The README's "Training from code" example, as written there (with the test's small config). It adds a registry
/// entry, so it runs alone: other tests list the registry's names.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public sealed class ReadmeTrainingExampleTests(TrainingFixture fixture) : IClassFixture<TrainingFixture>
{
    [Fact]
    public void TrainingFromCodeExampleRuns()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("train_mock.yaml", fixture.Config(dir.File("logs")));
        var lines = new List<string>();

        // a loss of your own (any nn.Module<Tensor, Tensor, Tensor> taking features and labels), usable in configs
        Registry.Losses["my_loss"] = (args, context) => new TripletLossWithMiner(args.GetDouble("margin", 0.3));

        var config = TrainPipelineConfig.Load(path, ["max_epochs=2", "criterion=my_loss"]);
        var progress = new Recorder(e =>
        {
            if (e is ValidationCompleted v) lines.Add($"epoch {v.Epoch + 1}: {v.MonitoredMetric} = {v.MonitoredValue:0.000}");
        });
        try
        {
            using var run = TrainPipeline.Run(config, progress, TestContext.Current.CancellationToken);

            Assert.Equal(["epoch 1", "epoch 2"], lines.Select(l => l[..7]));
            Assert.Equal(2, run.History.Count);
            Assert.True(File.Exists(run.BestCheckpoint));
            Assert.Equal(512, run.Extractor!.FeatDim); // the trained model comes back with the result
            Assert.Equal(0.3, ((TripletLossWithMiner)Registry.Losses.Create("my_loss", Oml.Registries.BlockArgs.Empty("criterion.args"), new LossContext())).Margin);
        }
        finally
        {
            Registry.Losses.Remove("my_loss");
        }
    }

    private sealed class Recorder(Action<PipelineEvent> onEvent) : IProgress<PipelineEvent>
    {
        public void Report(PipelineEvent value) => onEvent(value);
    }
}
