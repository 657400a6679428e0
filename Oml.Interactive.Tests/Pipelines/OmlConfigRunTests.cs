using Oml.Data.Sources;
using Oml.Pipelines;
using Oml.Training;

namespace Oml.Tests.Pipelines;

/// <summary>
/// OML's own CARS recipe runs unchanged except for what cannot exist here: its dataset folder (its zoo weights are
/// downloaded on first use, after the inputs are checked).
/// </summary>
public sealed class OmlConfigRunTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "oml-configs", name);

    [Fact]
    public void TheCarsRecipeFailsOnlyOnItsDatasetBeforeDownloadingItsZooWeights()
    {
        var config = TrainPipelineConfig.Load(Fixture("train_cars.yaml"));
        var error = Assert.Throws<OmlException>(() => TrainPipeline.Run(config, null, TestContext.Current.CancellationToken));

        Assert.Empty(error.Details);
        Assert.Contains("data/CARS196/df_with_bboxes.csv does not exist", error.Message);
        Assert.DoesNotContain("vits16_dino", error.Message);
    }

    [Fact]
    public void TheCarsRecipeTrainsOnTheMockDatasetWhenGivenLocalInputs()
    {
        using var dir = new TempDirectory();
        MockDatasetGenerator.Generate(dir.File("mock"), new MockDatasetOptions { Classes = 8, PerClass = 6, Size = 32 });
        // the two inputs that cannot exist here, plus sizes small enough for a test (a ViT-S/16 at 224 px, batch 200, is not)
        var config = TrainPipelineConfig.Load(Fixture("train_cars.yaml"),
        [
            $"dataset_root={dir.File("mock")}", "extractor.args.weights=null", $"logs_root={dir.File("logs")}",
            "max_epochs=1", "sampler.args.n_labels=2", "sampler.args.n_instances=2", "bs_val=24",
            "transforms_train.args.im_size=32", "transforms_val.args.im_size=32", "num_workers=1",
        ]);
        using var result = TrainPipeline.Run(config, null, TestContext.Current.CancellationToken);

        Assert.Equal(1, result.EpochsCompleted);
        Assert.Contains("OVERALL/pcf/0.99", result.LastMetrics.Keys);
        Assert.Contains("OVERALL/fnmr@fmr/0.01", result.LastMetrics.Keys);
        Assert.Equal("vit", TrainingCheckpoint.ReadState(result.LastCheckpoint!).ExtractorName);
    }
}
