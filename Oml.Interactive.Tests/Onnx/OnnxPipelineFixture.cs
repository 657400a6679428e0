using Oml.Pipelines;
using Oml.Tests.Pipelines;

namespace Oml.Tests.Onnx;

/// <summary>
/// A checkpoint of a real training run (resnet18 at 32 px, normalised features, one epoch on the small mock set of
/// <see cref="TrainingFixture"/>), made once per test class, and a prediction config for the same data.
/// </summary>
public sealed class OnnxPipelineFixture : IDisposable
{
    private readonly TrainingFixture _data = new();
    private readonly TempDirectory _directory = new();

    public OnnxPipelineFixture()
    {
        var config = _directory.Write("train.yaml", _data.Config(_directory.File("logs"), "log_images: false"));
        using var run = TrainPipeline.Run(TrainPipelineConfig.Load(config, ["max_epochs=1"]));
        Checkpoint = run.BestCheckpoint ?? throw new InvalidOperationException("the fixture's run wrote no best checkpoint");
        TrainConfig = config;
    }

    public string DatasetRoot => _data.DatasetRoot;

    public string Checkpoint { get; }

    public string TrainConfig { get; }

    /// <summary>A prediction config of every row of the mock set with the checkpoint's network; <paramref name="saveDir"/> for its outputs.</summary>
    public string PredictConfig(TempDirectory dir, string saveDir, string extra = "") => dir.Write("predict.yaml", $$$"""
        accelerator: cpu
        dataframe: {{{Path.Combine(DatasetRoot, "df.csv")}}}
        save_dir: {{{saveDir}}}
        bs: 16
        num_workers: 0
        transforms_predict:
          name: norm_resize_torch
          args: {im_size: 32}
        extractor:
          name: resnet
          args: {arch: resnet18, gem_p: null, remove_fc: true, normalise_features: true, weights: {{{Checkpoint}}}}
        {{{extra}}}
        """);

    public void Dispose()
    {
        _directory.Dispose();
        _data.Dispose();
    }
}
