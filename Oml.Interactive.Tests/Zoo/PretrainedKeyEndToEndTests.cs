using System.Text.Json;
using Oml.IO;
using Oml.Tests.Pipelines;
using Oml.Zoo;

namespace Oml.Tests.Zoo;

/// <summary><c>weights: resnet18_mlnet_imagenet</c> from a config through the real <c>oml</c> process, and its errors.</summary>
public sealed class PretrainedKeyEndToEndTests(TrainingFixture fixture) : IClassFixture<TrainingFixture>
{
    private static readonly string[] Pretrained =
    [
        "extractor.args.arch=resnet18_mlnet", $"extractor.args.weights={MlNetResnet18.ZooKey}", "+extractor.args.freeze_bn=true",
        "transforms_train.name=norm_resize_mlnet", "transforms_val.name=norm_resize_mlnet",
    ];

    [Fact]
    public void TrainValidateAndPredictStartFromThePretrainedKey()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("train.yaml", fixture.Config(dir.File("logs")));

        var train = CliRunner.Run(dir.Path, ["train", config, .. Pretrained, "max_epochs=1", "optimizer.args.lr=1e-4"]);
        Assert.True(train.ExitCode == 0, train.All);
        Assert.Contains("validation after epoch 1: OVERALL/cmc/1 = ", train.Output);
        Assert.Contains("(epoch 1)", train.Output);

        var validate = CliRunner.Run(dir.Path, ["validate", config, .. Pretrained, "save_dir=val"]);
        Assert.True(validate.ExitCode == 0, validate.All);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("val/metrics.json")));
        // zero-shot on 4 unseen shape classes of 8 validation images: well above chance (0.25)
        Assert.True(json.RootElement.GetProperty("OVERALL/cmc/1").GetDouble() > 0.4, validate.Output);

        var predict = CliRunner.Run(dir.Path, ["predict", config, .. Pretrained, $"dataframe={fixture.DatasetRoot}/df.csv", "bs=16", "save_dir=pred",
            "transforms_predict={name: norm_resize_mlnet, args: {im_size: 32}}"]);
        Assert.True(predict.ExitCode == 0, predict.All);
        var embeddings = NpyFile.ReadMatrix(dir.File("pred/embeddings.npy"));
        Assert.Equal((DatasetFrame.Load(Path.Combine(fixture.DatasetRoot, "df.csv")).Rows.Count, 512), (embeddings.Rows, embeddings.Columns));
    }

    [Fact]
    public void AWrongTransformOrArchForTheKeyExitsWith2SayingWhichToUse()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("train.yaml", fixture.Config(dir.File("logs")));

        var transform = CliRunner.Run(dir.Path, ["train", config, .. Pretrained, "transforms_train.name=augs_torch"]);
        Assert.Equal(2, transform.ExitCode);
        Assert.Contains("transforms_train.name = augs_torch prepares images for torchvision weights", transform.All);
        Assert.Contains("use norm_resize_mlnet (validation, prediction) or augs_mlnet (training augmentations)", transform.All);
        Assert.DoesNotContain("   at Oml.", transform.All);

        var arch = CliRunner.Run(dir.Path, ["validate", config, .. Pretrained, "extractor.args.arch=resnet18"]);
        Assert.Equal(2, arch.ExitCode);
        Assert.Contains("needs {name: resnet, args: {arch: resnet18_mlnet, remove_fc: true}}, got name: resnet, arch: resnet18", arch.All);
        Assert.DoesNotContain("   at Oml.", arch.All);
    }
}
