using Oml.Optimization;
using Oml.Pipelines;

namespace Oml.Tests.Pipelines;

public sealed class PipelineConfigTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "oml-configs", name);

    [Fact]
    public void OmlCarsTrainConfigReadsUnchangedWithNotesForWhatIsNotUsedHere()
    {
        var config = TrainPipelineConfig.Load(Fixture("train_cars.yaml"), now: new DateTime(2026, 1, 2, 3, 4, 5));

        Assert.Equal(42, config.Seed);
        Assert.Equal("data/CARS196/", config.DatasetRoot);
        Assert.Equal("df_with_bboxes.csv", config.DataframeName);
        Assert.Equal("balance", config.Sampler!.Name);
        Assert.Equal(20L, config.Sampler.Args["n_labels"]);
        Assert.Equal("triplet_with_miner", config.Criterion!.Name);
        Assert.Equal("criterion", config.Criterion!.Path);
        Assert.Equal(10, config.ValidPeriod);
        Assert.Equal("OVERALL/cmc/1", config.MetricForCheckpointing);
        Assert.Equal(CheckpointMode.Max, config.ModeForCheckpointing);
        Assert.Equal(Path.Combine("logs/CARS196/", "2026-01-02_03-04-05_metric_learning_cars"), config.Logs.RunDirectory);
        Assert.Equal(["metric_learning_cars", "cars"], config.Logs.Tags);
        Assert.Equal([1], config.MetricArgs.CmcTopK);
        Assert.Contains(config.Notes, n => n.StartsWith("logger: wandb", StringComparison.Ordinal));
        Assert.Contains(config.Notes, n => n.StartsWith("accelerator: gpu", StringComparison.Ordinal) || n.StartsWith("hydra", StringComparison.Ordinal));
    }

    [Fact]
    public void OmlPipelineTestConfigReadsWithItsSchedulingAndTrainerArgs()
    {
        var config = TrainPipelineConfig.Load(Fixture("test_pipelines_train.yaml"));

        Assert.Equal("multi_step", config.Scheduling!.Scheduler.Name);
        Assert.Equal(SchedulerInterval.Epoch, config.Scheduling.Interval);
        Assert.Equal(TimeSpan.FromHours(12), config.MaxTime);
        Assert.Equal("sgd", config.Optimizer.Name);
        Assert.Contains(config.Notes, n => n.Contains("devices: 2", StringComparison.Ordinal));
    }

    [Fact]
    public void OmlValidateAndPredictConfigsRead()
    {
        var validate = ValidatePipelineConfig.Load(Fixture("val_cars.yaml"));
        Assert.Equal(256, validate.BatchSizeVal);
        Assert.Equal("vits16_cars", validate.Extractor.Args["weights"]);
        var predict = PredictPipelineConfig.Load(Fixture("predict_cars.yaml"));
        Assert.Equal("data/", predict.DataDir);
        Assert.Equal(64, predict.BatchSize);
    }

    [Fact]
    public void ATrainingConfigAlsoValidates()
    {
        var validate = ValidatePipelineConfig.Load(Fixture("train_cars.yaml"));
        Assert.Equal(512, validate.BatchSizeVal);
        Assert.Contains(validate.Notes, n => n.StartsWith("training keys not used by validation", StringComparison.Ordinal));
    }

    [Fact]
    public void The_training_keys_come_from_the_training_parser_and_validation_names_the_ones_it_does_not_use()
    {
        // every top-level key of OML's CARS training config is one the training parser reads
        var cars = Oml.Config.ConfigLoader.Load(Fixture("train_cars.yaml"), []);
        Assert.Subset(TrainPipelineConfig.Keys.ToHashSet(), cars.Values.Keys.ToHashSet());
        foreach (var key in new[] { "seed", "sampler", "criterion", "optimizer", "max_epochs", "lightning_trainer_extra_args", "resume", "bs_val", "metric_args" })
            Assert.Contains(key, TrainPipelineConfig.Keys);

        var validate = ValidatePipelineConfig.Load(Fixture("train_cars.yaml"));
        var note = Assert.Single(validate.Notes, n => n.StartsWith("training keys not used by validation", StringComparison.Ordinal));
        foreach (var key in new[] { "seed", "sampler", "criterion", "optimizer", "max_epochs" }) Assert.Contains(key, note);
        foreach (var key in new[] { "bs_val", "transforms_val", "extractor", "dataset_root" }) Assert.DoesNotContain($" {key},", note + ",");
        var trained = TrainPipelineConfig.Load(Fixture("train_cars.yaml")).Validation;
        Assert.Equal((trained.BatchSizeVal, trained.DataframeName, string.Join(",", trained.MetricArgs.CmcTopK)), (validate.BatchSizeVal, validate.DataframeName, string.Join(",", validate.MetricArgs.CmcTopK)));
    }

    [Theory]
    [InlineData("max_epoch=3", "did you mean 'max_epochs'")]
    [InlineData("max_epochs=abc", "max_epochs = 'abc' is not valid: expected an integer")]
    [InlineData("max_epochs=0", "max_epochs = 0 is not valid")]
    [InlineData("~seed", "seed is required")]
    [InlineData("~sampler", "sampler is required")]
    [InlineData("sampler=null", "bs_train is required")]
    [InlineData("~optimizer.args.lr", "optimizer.args.lr is required")]
    [InlineData("criterion.nmae=x", "criterion has 'nmae'")]
    [InlineData("mode_for_checkpointing=maximum", "expected max or min")]
    [InlineData("scheduling={scheduler: {name: reduce_on_plateau, args: {}}}", "monitor_metric is required")]
    [InlineData("scheduling.scheduler_interval=batch", "expected step or epoch")]
    public void MistakesNameTheConfigPath(string change, string expected)
    {
        var error = Assert.Throws<OmlException>(() => TrainPipelineConfig.Load(Fixture("train_cars.yaml"), ["scheduling={scheduler: {name: step, args: {step_size: 2}}}", change]));
        Assert.Contains(expected, error.Message + string.Join("\n", error.Details));
    }

    [Fact]
    public void MaxImagePixelsIsAKeyOfTrainValidateAndPredictConfigs()
    {
        Assert.Contains("max_image_pixels", TrainPipelineConfig.Keys);
        Assert.Contains("max_image_pixels", ValidatePipelineConfig.Keys);
        Assert.Equal(Oml.Images.ImageDecoder.DefaultMaxPixels, TrainPipelineConfig.Load(Fixture("train_cars.yaml")).MaxImagePixels);
        Assert.Equal(200_000_000, TrainPipelineConfig.Load(Fixture("train_cars.yaml"), ["max_image_pixels=200000000"]).MaxImagePixels);
        Assert.Equal(1000, ValidatePipelineConfig.Load(Fixture("val_cars.yaml"), ["+max_image_pixels=1000"]).MaxImagePixels);
        Assert.Equal(1000, PredictPipelineConfig.Load(Fixture("predict_cars.yaml"), ["max_image_pixels=1e3"]).MaxImagePixels);
        // a training config predicts and validates with its own limit, without a note that the key is unused
        var predict = PredictPipelineConfig.Load(Fixture("train_cars.yaml"),
            ["data_dir=photos", "bs=8", "transforms_predict={name: norm_resize_torch, args: {im_size: 32}}", "max_image_pixels=5000"]);
        Assert.Equal(5000, predict.MaxImagePixels);
        Assert.DoesNotContain(predict.Notes, n => n.Contains("max_image_pixels", StringComparison.Ordinal));

        var zero = Assert.Throws<OmlException>(() => ValidatePipelineConfig.Load(Fixture("val_cars.yaml"), ["+max_image_pixels=0"]));
        Assert.StartsWith("max_image_pixels = 0 is not valid: expected the largest width x height to decode, a positive integer", zero.Message);
        var text = Assert.Throws<OmlException>(() => PredictPipelineConfig.Load(Fixture("predict_cars.yaml"), ["max_image_pixels=lots"]));
        Assert.Equal("max_image_pixels = 'lots' is not valid: expected an integer", text.Message);
    }

    [Fact]
    public void PredictInputOnTheCommandLineReplacesTheOtherInputOfTheFile()
    {
        using var dir = new TempDirectory();
        var withDataframe = dir.Write("predict.yaml", File.ReadAllText(Fixture("predict_cars.yaml")).Replace("data_dir: data/", "dataframe: data/df.csv", StringComparison.Ordinal));

        var folder = PredictPipelineConfig.Load(withDataframe, ["data_dir=photos"]);
        Assert.Equal(("photos", null), (folder.DataDir, folder.Dataframe));
        Assert.Contains($"data_dir on the command line replaces dataframe = data/df.csv of {withDataframe}", folder.Notes);

        var frame = PredictPipelineConfig.Load(Fixture("predict_cars.yaml"), ["+dataframe=other.csv"]);
        Assert.Equal((null, "other.csv"), (frame.DataDir, frame.Dataframe));
        Assert.Contains(frame.Notes, n => n.StartsWith("dataframe on the command line replaces data_dir = data/", StringComparison.Ordinal));

        // both on the command line, or both in the file, stay an error naming both
        var both = Assert.Throws<OmlException>(() => PredictPipelineConfig.Load(withDataframe, ["data_dir=photos", "dataframe=x.csv"]));
        Assert.Contains("both are set: data_dir = photos, dataframe = x.csv", both.Message);
        var bothInFile = dir.Write("both.yaml", File.ReadAllText(withDataframe) + "\ndata_dir: photos\n");
        Assert.Contains("both are set", Assert.Throws<OmlException>(() => PredictPipelineConfig.Load(bothInFile)).Message);
        // without an input override nothing changes
        Assert.Equal("data/df.csv", PredictPipelineConfig.Load(withDataframe, ["bs=8"]).Dataframe);
    }
}
