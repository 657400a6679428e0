using System.IO.Compression;
using System.Text.Json;
using Oml.Images;
using Oml.Models;
using Oml.Onnx;
using Oml.Pipelines;
using Oml.Registries;
using Oml.Weights;

namespace Oml.Tests.Onnx;

/// <summary>
/// <see cref="ExportPipeline"/> (the code of <c>oml export</c>) from a training checkpoint and from configs: the network
/// and weights it exports are the ones the pipelines would build, with the transform of the config in the metadata.
/// </summary>
public sealed class ExportPipelineTests(OnnxPipelineFixture fixture, ITestOutputHelper output) : TempDirectoryTest, IClassFixture<OnnxPipelineFixture>
{
    [Fact]
    public void ACheckpointExportsItsTrainedNetworkWithItsValidationTransform()
    {
        var result = ExportPipeline.Run(fixture.Checkpoint, Dir.File("model.onnx"));
        output.WriteLine($"{result.Architecture}: {result.Bytes} bytes, check {result.MaxAbsDifference:E2} in {result.Seconds:F1} s");

        Assert.Equal("resnet18, average pooling", result.Architecture);
        Assert.Equal(["batch", "3", "32", "32"], result.InputShape);
        Assert.Equal(["batch", "512"], result.OutputShape);
        Assert.Equal("norm_resize_torch", result.Metadata[OnnxMetadataKeys.Transform]);
        Assert.Equal("{\"im_size\":32}", result.Metadata[OnnxMetadataKeys.TransformArgs]);
        Assert.Equal("true", result.Metadata[OnnxMetadataKeys.NormalisedFeatures]);
        Assert.Equal(fixture.Checkpoint, result.Metadata[OnnxMetadataKeys.Weights]);
        using (var block = JsonDocument.Parse(result.Metadata[OnnxMetadataKeys.Extractor]))
        {
            Assert.Equal("resnet", block.RootElement.GetProperty("name").GetString());
            Assert.Equal("resnet18", block.RootElement.GetProperty("args").GetProperty("arch").GetString());
        }
        Assert.True(result.MaxAbsDifference <= 1e-4);

        // the trained weights, not a fresh network's: ONNX Runtime equals the checkpoint's extractor and differs from a random one
        using var trained = Registry.Extractors.Create("resnet", ResnetArgs(fixture.Checkpoint));
        using var untrained = Registry.Extractors.Create("resnet", ResnetArgs(null));
        using var images = MockImages(32);
        Assert.True(OnnxTestModels.Difference(result.Path, trained, images) <= 1e-4);
        Assert.True(OnnxTestModels.Difference(result.Path, untrained, images) > 1e-2);
    }

    [Fact]
    public void OverridesApplyToTheCheckpointsConfig()
    {
        var result = ExportPipeline.Run(fixture.Checkpoint, Dir.File("model.onnx"), "transforms_val.args.im_size=48", "+transforms_predict={name: norm_resize_albu, args: {im_size: 40}}");
        Assert.Equal(["batch", "3", "40", "40"], result.InputShape);   // transforms_predict comes before transforms_val
        Assert.Equal("norm_resize_albu", result.Metadata[OnnxMetadataKeys.Transform]);

        var typo = ExportPipeline.Run(fixture.Checkpoint, Dir.File("model.onnx"), "transform_val.args.im_size=48", "bs_val=3");
        Assert.Equal(["batch", "3", "32", "32"], typo.InputShape);
        Assert.Contains(typo.Notes, n => n.EndsWith("these overrides change nothing: transform_val, bs_val", StringComparison.Ordinal));
    }

    [Fact]
    public void AConfigsExtractorWithMlpOverAViTIsExportedAsThePipelinesBuildIt()
    {
        var config = Dir.Write("predict.yaml", """
            dataframe: df.csv
            bs: 4
            transforms_predict: {name: norm_resize_hypvit_torch, args: {im_size: 56, crop_size: 48}}
            extractor:
              name: extractor_with_mlp
              args:
                mlp_features: [64]
                weights: null
                extractor: {name: vit, args: {arch: vits16, normalise_features: false, use_multi_scale: false, weights: null}}
            """);
        var result = ExportPipeline.Run(config, Dir.File("vit.onnx"));
        output.WriteLine($"{result.Architecture}: {result.Bytes} bytes, check {result.MaxAbsDifference:E2} in {result.Seconds:F1} s");

        Assert.Equal("extractor_with_mlp (vits16; mlp [64])", result.Architecture);
        Assert.Equal(["batch", "3", "48", "48"], result.InputShape);
        Assert.Equal(["batch", "64"], result.OutputShape);
        Assert.True(result.MaxAbsDifference <= 1e-4);
        Assert.Contains(result.Notes, n => n.Contains("extractor.args.weights is null: the exported network has random weights", StringComparison.Ordinal));
        Assert.StartsWith("shorter_side_center_crop", result.Metadata[OnnxMetadataKeys.Resize]);
        Assert.DoesNotContain(OnnxMetadataKeys.Weights, result.Metadata.Keys);
    }

    [Fact]
    public void WhatCannotBeExportedIsNamed()
    {
        Assert.Contains("nope.ckpt does not exist; give a checkpoint of oml train",
            Assert.Throws<OmlException>(() => ExportPipeline.Run("nope.ckpt", Dir.File("m.onnx"))).Message);
        Assert.Contains("is a folder; give a checkpoint of oml train",
            Assert.Throws<OmlException>(() => ExportPipeline.Run(Dir.Path, Dir.File("m.onnx"))).Message);

        var weights = Dir.File("weights.pth");
        File.WriteAllBytes(weights, [1, 2, 3]);
        Assert.Contains("is not a checkpoint of oml train, so it does not say which network it holds",
            Assert.Throws<OmlException>(() => ExportPipeline.Run(weights, Dir.File("m.onnx"))).Message);

        var postprocessor = Dir.File("postprocessor.ckpt");
        using (var zip = ZipFile.Open(postprocessor, ZipArchiveMode.Create))
        {
            zip.CreateEntry(CheckpointFile.StateEntry);
            zip.CreateEntry(CheckpointFile.PairwiseModelEntry);
        }
        Assert.Contains("it is a checkpoint of oml train-postprocessor",
            Assert.Throws<OmlException>(() => ExportPipeline.Run(postprocessor, Dir.File("m.onnx"))).Message);

        var augmentation = Assert.Throws<OmlException>(() => ExportPipeline.Run(fixture.TrainConfig, Dir.File("m.onnx"), "+transforms_predict=augs_torch"));
        Assert.Contains("transforms_predict = augs_torch is a random training augmentation", augmentation.Message);

        var clip = Assert.Throws<OmlException>(() => ExportPipeline.Run(fixture.TrainConfig, Dir.File("m.onnx"), "extractor=vit_clip"));
        Assert.Equal("vit_clip takes 224x224 images only, so its ONNX input is 224 px, not 32; choose an input size of 224 (or a transform that makes 224x224 images)", clip.Message);

        var missingWeights = Assert.Throws<OmlException>(() => ExportPipeline.Run(fixture.TrainConfig, Dir.File("m.onnx"), "extractor.args.weights=gone.ckpt"));
        Assert.Contains("the weights file gone.ckpt does not exist", missingWeights.Message);
        Assert.False(File.Exists(Dir.File("m.onnx")));
    }

    private static BlockArgs ResnetArgs(string? weights) => BlockArgs.From("extractor.args",
        ("arch", "resnet18"), ("gem_p", null), ("remove_fc", true), ("normalise_features", true), ("weights", weights));

    /// <summary>Mock-dataset images through norm_resize_torch, as a [3, 3, size, size] batch.</summary>
    private static Tensor MockImages(int size)
    {
        var transform = new ResizeTransform(size, ChannelNormalization.ImageNet);
        var images = ExportCheckImages.Render(64);
        var batch = new float[images.Count * 3 * size * size];
        for (var i = 0; i < images.Count; i++)
        {
            transform.Apply(images[i], new Random(0), batch.AsSpan(i * 3 * size * size, 3 * size * size));
            images[i].Dispose();
        }
        return tensor(batch, [images.Count, 3, size, size]);
    }
}
