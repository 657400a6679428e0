using System.Text.Json;
using Oml.IO;
using Oml.Onnx;
using Oml.Pipelines;

namespace Oml.Tests.Onnx;

/// <summary>
/// <c>oml predict ... engine=onnxruntime</c> against the TorchSharp engine on the same config: the same rows in the same
/// order, embeddings within 1e-4, the same output files; with the extractor exported on the fly or an exported model given.
/// </summary>
public sealed class PredictOnnxEngineTests(OnnxPipelineFixture fixture) : TempDirectoryTest, IClassFixture<OnnxPipelineFixture>
{
    private const double Tolerance = 1e-4;

    private PredictionRunResult Predict(string saveDir, params string[] overrides) =>
        PredictPipeline.Run(PredictPipelineConfig.Load(fixture.PredictConfig(Dir, Dir.File(saveDir)), overrides), cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public void OnnxRuntimeGivesTheTorchEnginesEmbeddingsInTheSameFiles()
    {
        var torchRun = Predict("torch");
        var notes = new List<string>();
        var onnxRun = PredictPipeline.Run(PredictPipelineConfig.Load(fixture.PredictConfig(Dir, Dir.File("onnx")), ["engine=onnxruntime"]),
            new Progress(notes), TestContext.Current.CancellationToken);

        Assert.Equal(InferenceEngine.Torch, torchRun.Engine);
        Assert.Equal(InferenceEngine.OnnxRuntime, onnxRun.Engine);
        Assert.Equal(Dir.File(Path.Combine("onnx", PredictPipeline.ExportedModelName)), onnxRun.OnnxModel);
        Assert.NotNull(onnxRun.OnnxExport);
        Assert.True(File.Exists(onnxRun.OnnxModel));
        Assert.Contains(notes, n => n.StartsWith("exported the extractor to", StringComparison.Ordinal));

        Assert.Equal(torchRun.Paths, onnxRun.Paths);
        Assert.Equal(File.ReadAllText(torchRun.PathsCsv), File.ReadAllText(onnxRun.PathsCsv));
        var torchEmbeddings = NpyFile.ReadMatrix(torchRun.EmbeddingsPath);
        var onnxEmbeddings = NpyFile.ReadMatrix(onnxRun.EmbeddingsPath);
        Assert.Equal((torchEmbeddings.Rows, torchEmbeddings.Columns), (onnxEmbeddings.Rows, onnxEmbeddings.Columns));
        Assert.Equal(64, onnxEmbeddings.Rows);
        Assert.True(FeatureDifference.MaxAbs(torchEmbeddings.Data, onnxEmbeddings.Data) <= Tolerance);
        Assert.Equal(torchRun.Embeddings, torchEmbeddings.Data);
        Assert.Equal(onnxRun.Embeddings, onnxEmbeddings.Data);
        Assert.Equal(JsonKeys(torchRun.PredictionsJson), JsonKeys(onnxRun.PredictionsJson));
        Assert.Equal(["embeddings.npy", "extractor.onnx", "paths.csv", "predictions.json"], FileNames("onnx"));
        Assert.Equal(["embeddings.npy", "paths.csv", "predictions.json"], FileNames("torch"));
    }

    [Fact]
    public void AGivenModelRunsWithoutAnExtractorBlock()
    {
        var export = ExportPipeline.Run(fixture.Checkpoint, Dir.File("exported.onnx"));
        var torchRun = Predict("torch");
        var config = Dir.Write("predict_onnx.yaml", $$$"""
            dataframe: {{{Path.Combine(fixture.DatasetRoot, "df.csv")}}}
            save_dir: {{{Dir.File("given")}}}
            bs: 5
            transforms_predict: {name: norm_resize_torch, args: {im_size: 32}}
            engine: {name: onnxruntime, args: {model: {{{export.Path}}}, threads: 1}}
            """);
        var onnxRun = PredictPipeline.Run(PredictPipelineConfig.Load(config), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(export.Path, onnxRun.OnnxModel);
        Assert.Null(onnxRun.OnnxExport);
        Assert.Equal(torchRun.Paths, onnxRun.Paths);
        Assert.True(FeatureDifference.MaxAbs(torchRun.Embeddings, onnxRun.Embeddings) <= Tolerance);
        Assert.Equal(["embeddings.npy", "paths.csv", "predictions.json"], FileNames("given"));

        var withExtractor = PredictPipelineConfig.Load(fixture.PredictConfig(Dir, Dir.File("x")), ["engine=onnxruntime", $"engine.args.model={export.Path}"]);
        Assert.Contains(withExtractor.Notes, n => n.Contains("is run; the extractor block is not used", StringComparison.Ordinal));
    }

    [Fact]
    public void AModelForAnotherInputSizeOrTransformIsCaughtBeforeThePrediction()
    {
        var export = ExportPipeline.Run(fixture.Checkpoint, Dir.File("exported.onnx"), "transforms_val.args.im_size=48");
        var error = Assert.Throws<OmlException>(() => Predict("wrong", "engine=onnxruntime", $"engine.args.model={export.Path}"));
        Assert.Contains("takes 48x48 images but transforms_predict = norm_resize_torch makes 32x32", error.Message);
        Assert.False(File.Exists(Dir.File("wrong/embeddings.npy")));
        // before any image is decoded: a folder with a file that is no image gives the model's error, not the images'
        Dir.Write("broken/not_an_image.jpg", "not a JPEG");
        var first = Assert.Throws<OmlException>(() => Predict("wrong", "engine=onnxruntime", $"engine.args.model={export.Path}", $"data_dir={Dir.File("broken")}"));
        Assert.Contains("takes 48x48 images", first.Message);

        var notes = new List<string>();
        PredictPipeline.Run(PredictPipelineConfig.Load(fixture.PredictConfig(Dir, Dir.File("albu")),
            ["engine=onnxruntime", $"engine.args.model={export.Path}", "transforms_predict={name: norm_resize_albu, args: {im_size: 48}}"]), new Progress(notes),
            TestContext.Current.CancellationToken);
        Assert.Contains(notes, n => n.Contains("was exported for the transform norm_resize_torch {\"im_size\":48}, but transforms_predict = norm_resize_albu", StringComparison.Ordinal));
    }

    [Fact]
    public void EngineSettingsAreCheckedByName()
    {
        Assert.Equal(InferenceEngine.Torch, PredictPipelineConfig.Load(fixture.PredictConfig(Dir, "out")).Inference.Engine);
        Assert.Equal(InferenceEngine.Torch, PredictPipelineConfig.Load(fixture.PredictConfig(Dir, "out"), ["+engine=torch"]).Inference.Engine);
        var plain = PredictPipelineConfig.Load(fixture.PredictConfig(Dir, "out", "engine: onnxruntime"));
        Assert.Equal(new InferenceEngineSettings(InferenceEngine.OnnxRuntime), plain.Inference);
        Assert.Equal(2, PredictPipelineConfig.Load(fixture.PredictConfig(Dir, "out"), ["engine=onnxruntime", "engine.args.threads=2"]).Inference.Threads);

        Assert.Contains("engine = onnx is not valid", Assert.Throws<OmlException>(() => PredictPipelineConfig.Load(fixture.PredictConfig(Dir, "out"), ["+engine=onnx"])).Message);
        Assert.Contains("'engine (onnxruntime)' does not take 'modle'",
            Assert.Throws<OmlException>(() => PredictPipelineConfig.Load(fixture.PredictConfig(Dir, "out"), ["engine=onnxruntime", "+engine.args.modle=x.onnx"])).Message);
        Assert.Contains("engine.args.model: missing.onnx does not exist",
            Assert.Throws<OmlException>(() => Predict("out", "engine=onnxruntime", "engine.args.model=missing.onnx")).Message);
    }

    private string[] FileNames(string folder) => Directory.GetFiles(Dir.File(folder)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private static string[] JsonKeys(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
    }

    /// <summary>Collects the run's notes (synchronously, unlike <see cref="Progress{T}"/>).</summary>
    private sealed class Progress(List<string> notes) : IProgress<Oml.Pipelines.Events.PipelineEvent>
    {
        public void Report(Oml.Pipelines.Events.PipelineEvent value)
        {
            if (value is Oml.Pipelines.Events.PipelineNote note) notes.Add(note.Message);
        }
    }
}
