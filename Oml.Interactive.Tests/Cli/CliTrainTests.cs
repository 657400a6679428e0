using System.Text.Json;
using Oml.IO;
using Oml.Models;
using Oml.Tests.Pipelines;
using Oml.Training;

namespace Oml.Tests.Cli;

/// <summary>The main job end to end through the real <c>oml</c> process: train, validate, predict, evaluate, kill and resume.</summary>
public sealed class CliTrainTests(TrainingFixture fixture) : IClassFixture<TrainingFixture>
{
    private static readonly Dictionary<string, string> OneThread = new() { ["OMP_NUM_THREADS"] = "1" };

    [Fact]
    public void TrainThenValidatePredictAndEvaluateTheCheckpoint()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("train.yaml", fixture.Config(dir.File("logs")));

        var train = CliRunner.Run(dir.Path, "train", config);
        Assert.True(train.ExitCode == 0, train.All);
        Assert.Contains("validation after epoch 2: OVERALL/cmc/1 = ", train.Output);
        Assert.Contains("OVERALL/map/5", train.Output);
        var best = Path.Combine(dir.File("logs"), "run", "checkpoints", "best.ckpt");
        Assert.True(TrainingCheckpoint.IsCheckpoint(best));

        var validate = CliRunner.Run(dir.Path, "validate", config, $"extractor.args.weights={best}", "save_dir=val", "postprocessor=constant_thresholding");
        Assert.True(validate.ExitCode == 0, validate.All);
        Assert.Contains("without postprocessor", validate.Output);
        Assert.Contains("with constant_thresholding", validate.Output); // the post-processed column says what it is
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("val/metrics.json")));
        var keys = json.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Contains("OVERALL/cmc/1", keys);
        Assert.Contains("OVERALL/cmc/5", keys);
        Assert.Contains("OVERALL/map/5", keys);
        Assert.True(File.Exists(dir.File("val/metrics_without_postprocessor.json")));
        Assert.NotEmpty(Directory.GetFiles(dir.File("val/images"), "*.png"));

        var predict = CliRunner.Run(dir.Path, "predict", config, $"extractor.args.weights={best}", $"dataframe={fixture.DatasetRoot}/df.csv",
            "bs=16", "save_dir=pred", "transforms_predict={name: norm_resize_torch, args: {im_size: 32}}");
        Assert.True(predict.ExitCode == 0, predict.All);
        var embeddings = NpyFile.ReadMatrix(dir.File("pred/embeddings.npy"));
        var frame = DatasetFrame.Load(Path.Combine(fixture.DatasetRoot, "df.csv"));
        Assert.Equal(frame.Rows.Count, embeddings.Rows);
        Assert.Equal(512, embeddings.Columns);
        Assert.Equal(frame.Rows.Count + 1, File.ReadAllLines(dir.File("pred/paths.csv")).Length);
        using (var predictions = JsonDocument.Parse(File.ReadAllText(dir.File("pred/predictions.json"))))
        {
            Assert.Equal(frame.Rows.Count, predictions.RootElement.EnumerateObject().Count());
        }

        // the validation rows' embeddings from predict give the same metrics through evaluate as validate computed
        var validationRows = frame.Rows.Select((r, i) => (r, i)).Where(p => p.r.Split == DatasetSplit.Validation).Select(p => p.i).ToArray();
        var data = validationRows.SelectMany(i => embeddings.Data.AsSpan(i * embeddings.Columns, embeddings.Columns).ToArray()).ToArray();
        NpyFile.WriteMatrix(dir.File("val_embeddings.npy"), new NpyArray(data, validationRows.Length, embeddings.Columns));
        var evaluate = CliRunner.Run(dir.Path, "evaluate", "--embeddings", "val_embeddings.npy", "--dataset", Path.Combine(fixture.DatasetRoot, "df.csv"),
            "--out", "eval.json", "metric_args.cmc_top_k=[1,5]", "metric_args.map_top_k=[5]", "metric_args.fmr_vals=[]", "metric_args.pcf_variance=[0.5]");
        Assert.True(evaluate.ExitCode == 0, evaluate.All);
        using var evaluated = JsonDocument.Parse(File.ReadAllText(dir.File("eval.json")));
        using var plain = JsonDocument.Parse(File.ReadAllText(dir.File("val/metrics_without_postprocessor.json")));
        foreach (var name in new[] { "OVERALL/cmc/1", "OVERALL/cmc/5", "OVERALL/map/5" })
        {
            Assert.Equal(plain.RootElement.GetProperty(name).GetDouble(), evaluated.RootElement.GetProperty(name).GetDouble(), 4);
        }
    }

    [Fact]
    public void BadConfigsExitWithCode2AndAMessageWithoutAStackTrace()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("train.yaml", fixture.Config(dir.File("logs")));

        var typo = CliRunner.Run(dir.Path, "train", config, "max_epoch=3");
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("did you mean 'max_epochs'", typo.All);
        Assert.DoesNotContain("   at Oml.", typo.All);

        var name = CliRunner.Run(dir.Path, "train", config, "optimizer.name=adamm");
        Assert.Equal(2, name.ExitCode);
        Assert.Contains("did you mean 'adam'", name.All);

        var type = CliRunner.Run(dir.Path, "train", config, "sampler.args.n_labels=two");
        Assert.Equal(2, type.ExitCode);
        Assert.Contains("sampler.args.n_labels = 'two' is not valid: expected an integer", type.All);

        var missing = CliRunner.Run(dir.Path, "train", "nope.yaml");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("config file nope.yaml does not exist", missing.All);

        var zoo = CliRunner.Run(dir.Path, "validate", config, "extractor.args.weights=resnet50_imagenet1k_v1", "dataset_root=/no/such/dir");
        Assert.Equal(2, zoo.ExitCode);
        Assert.Contains("/no/such/dir/df.csv does not exist", zoo.All);
        Assert.Contains("extractor.args.weights = 'resnet50_imagenet1k_v1' holds the weights of {name: resnet, args: {arch: resnet50}}", zoo.All);
    }

    [Fact]
    public void ARunKilledAfterAnEpochAndResumedEndsWithTheSameWeightsAsAnUninterruptedOne()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("train.yaml", fixture.Config(dir.File("logs")));
        string[] common = ["train", config, "max_epochs=4"];

        var straight = CliRunner.Run(dir.Path, TimeSpan.FromMinutes(5), OneThread, [.. common, "logs_folder=straight"]);
        Assert.True(straight.ExitCode == 0, straight.All);

        var last = Path.Combine(dir.File("logs"), "killed", "checkpoints", "last.ckpt");
        using (var process = CliRunner.Start(dir.Path, OneThread, [.. common, "logs_folder=killed"]))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (!(File.Exists(last) && TrainingCheckpoint.ReadState(last).EpochsCompleted >= 1))
            {
                Assert.False(process.HasExited, "training ended before it could be killed");
                Assert.True(DateTime.UtcNow < deadline, "no checkpoint after 3 minutes");
                Thread.Sleep(20);
            }
            process.Kill(entireProcessTree: true); // SIGKILL: no chance to clean up
            process.WaitForExit();
        }
        var killedAt = TrainingCheckpoint.ReadState(last).EpochsCompleted; // readable: writes are atomic
        Assert.InRange(killedAt, 1, 3);

        var resumed = CliRunner.Run(dir.Path, TimeSpan.FromMinutes(5), OneThread, [.. common, $"resume={last}"]);
        Assert.True(resumed.ExitCode == 0, resumed.All);
        Assert.Contains($"resuming at epoch {killedAt + 1}", resumed.Output);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(last)!, AtomicFile.TempPrefix + "*")); // a write the kill cut short leaves none after the resume

        using var a = LoadExtractor(Path.Combine(dir.File("logs"), "straight", "checkpoints", "last.ckpt"));
        using var b = LoadExtractor(last);
        Assert.Equal(4, TrainingCheckpoint.ReadState(last).EpochsCompleted);
        foreach (var ((name, pa), (_, pb)) in a.named_parameters().Zip(b.named_parameters()))
        {
            Assert.True(pa.allclose(pb, 0, 0), $"{name} differs after kill and resume");
        }
        Assert.Equal(
            TrainingCheckpoint.ReadState(Path.Combine(dir.File("logs"), "straight", "checkpoints", "last.ckpt")).History.Select(h => h.MeanLoss),
            TrainingCheckpoint.ReadState(last).History.Select(h => h.MeanLoss));
    }

    private static Extractor LoadExtractor(string checkpoint)
    {
        var extractor = new ResnetExtractor("resnet18", null, true, FeatureNormalisation.L2);
        TrainingCheckpoint.LoadExtractor(checkpoint, extractor);
        return extractor;
    }
}
