using Oml.IO;
using Oml.Onnx;
using Oml.Tests.Onnx;

namespace Oml.Tests.Cli;

/// <summary><c>oml export</c> and <c>oml predict ... engine=onnxruntime</c> through the real <c>oml</c> process.</summary>
public sealed class CliExportTests(OnnxPipelineFixture fixture) : TempDirectoryTest, IClassFixture<OnnxPipelineFixture>
{
    private static readonly Dictionary<string, string> OneThread = new() { ["OMP_NUM_THREADS"] = "1" };

    private static CliRunner.Result Oml(string directory, params string[] args) => CliRunner.Run(directory, TimeSpan.FromMinutes(5), OneThread, args);

    [Fact]
    public void ExportACheckpointThenPredictWithBothEngines()
    {
        var export = Oml(Dir.Path, "export", fixture.Checkpoint, "--onnx", "out/model.onnx");
        Assert.True(export.ExitCode == 0, export.All);
        Assert.Contains("wrote out/model.onnx (", export.Output);
        Assert.Contains("opset 17): resnet18, average pooling; images [batch, 3, 32, 32] -> embeddings [batch, 512]", export.Output);
        Assert.Contains("checked by ONNX Runtime on 3 mock-dataset images at batch sizes 1 and 3: max abs difference to TorchSharp", export.Output);
        Assert.Contains("preprocessing norm_resize_torch {\"im_size\":32} in the metadata", export.Output);
        using (var runtime = new OnnxRuntimeExtractor(Dir.File("out/model.onnx"), threads: 1))
        {
            Assert.Equal("32", runtime.Metadata[OnnxMetadataKeys.InputHeight]);
        }

        var config = fixture.PredictConfig(Dir, "unused");
        var torch = Oml(Dir.Path, "predict", config, "save_dir=torch");
        var onnx = Oml(Dir.Path, "predict", config, "save_dir=onnx", "engine=onnxruntime");
        var given = Oml(Dir.Path, "predict", config, "save_dir=given", "engine=onnxruntime", "engine.args.model=out/model.onnx");
        foreach (var run in new[] { torch, onnx, given }) Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("note: exported the extractor to onnx/extractor.onnx", onnx.Output);
        Assert.Contains("engine.args.model = out/model.onnx is run; the extractor block is not used", given.Output);

        var expected = NpyFile.ReadMatrix(Dir.File("torch/embeddings.npy"));
        foreach (var folder in new[] { "onnx", "given" })
        {
            var embeddings = NpyFile.ReadMatrix(Dir.File($"{folder}/embeddings.npy"));
            Assert.Equal((expected.Rows, expected.Columns), (embeddings.Rows, embeddings.Columns));
            Assert.True(FeatureDifference.MaxAbs(expected.Data, embeddings.Data) <= 1e-4, folder);
            Assert.Equal(File.ReadAllText(Dir.File("torch/paths.csv")), File.ReadAllText(Dir.File($"{folder}/paths.csv")));
        }
    }

    [Fact]
    public void ExportErrorsExitWithCode2AndAMessageWithoutAStackTrace()
    {
        AssertUserError(Oml(Dir.Path, "export", "missing/best.ckpt", "--onnx", "m.onnx"), "missing/best.ckpt does not exist; give a checkpoint of oml train");
        AssertUserError(Oml(Dir.Path, "export", fixture.Checkpoint), "--onnx <PATH> is required");
        AssertUserError(Oml(Dir.Path, "export", fixture.TrainConfig, "extractor=vit_clip", "--onnx", "m.onnx"), "vit_clip takes 224x224 images only, so its ONNX input is 224 px, not 32");
        AssertUserError(Oml(Dir.Path, "export", fixture.Checkpoint, "--onnx", "."), "--onnx: . is a folder, not a file");
        var readOnly = UnwritableFolder.In(Dir);
        AssertUserError(Oml(Dir.Path, "export", fixture.Checkpoint, "--onnx", Path.Combine(readOnly, "sub", "m.onnx")), "--onnx: cannot create the folder");
        AssertUserError(Oml(Dir.Path, "predict", fixture.PredictConfig(Dir, "p"), "+engine=onnx"), "engine = onnx is not valid");
        Assert.False(File.Exists(Dir.File("m.onnx")));
    }

    private static void AssertUserError(CliRunner.Result result, string expected)
    {
        Assert.True(result.ExitCode == 2, result.All);
        Assert.DoesNotContain("internal error", result.All);
        Assert.DoesNotContain("   at ", result.All);
        Assert.Contains(expected, result.All);
    }
}
