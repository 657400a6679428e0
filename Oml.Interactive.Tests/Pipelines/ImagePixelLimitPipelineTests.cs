using Oml.Pipelines;
using Oml.Pipelines.Events;

namespace Oml.Tests.Pipelines;

/// <summary><c>max_image_pixels</c> reaches the images each pipeline decodes (the fixture's are 32 x 32 = 1024 pixels).</summary>
public sealed class ImagePixelLimitPipelineTests(TrainingFixture fixture) : IClassFixture<TrainingFixture>
{
    private const string Hint = "max_image_pixels: 1024 in the config";

    [Fact]
    public void TrainingRefusesImagesOverItsLimitAndTakesThemUnderIt()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("train.yaml", fixture.Config(dir.File("logs")));

        var error = Assert.Throws<OmlException>(() => TrainPipeline.Run(TrainPipelineConfig.Load(path, ["max_epochs=1", "max_image_pixels=1000"]),
            cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("over the limit of 1,000", error.Message + string.Join("\n", error.Details));
        Assert.Contains(Hint, error.Message + string.Join("\n", error.Details));

        using var run = TrainPipeline.Run(TrainPipelineConfig.Load(path, ["max_epochs=1", "max_image_pixels=1024", "logs_folder=ok"]),
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1, run.EpochsCompleted);
    }

    [Fact]
    public void ValidationAndPredictionRefuseImagesOverTheLimit()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("train.yaml", fixture.Config(dir.File("logs")));

        var validation = Assert.Throws<OmlException>(() => ValidatePipeline.Run(ValidatePipelineConfig.Load(path, ["max_image_pixels=1000", $"save_dir={dir.File("val")}"]),
            cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains(Hint, validation.Message + string.Join("\n", validation.Details));

        var predict = Assert.Throws<OmlException>(() => PredictPipeline.Run(PredictPipelineConfig.Load(path,
            ["bs=8", $"data_dir={Path.Combine(fixture.DatasetRoot, "images")}", "transforms_predict={name: norm_resize_torch, args: {im_size: 32}}", "max_image_pixels=1000"]),
            cancellationToken: TestContext.Current.CancellationToken));
        Assert.StartsWith("64 of 64 images cannot be read", predict.Message);
        Assert.Contains(Hint, predict.Details[0]);
    }
}
