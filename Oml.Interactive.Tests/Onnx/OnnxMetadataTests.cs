using System.Globalization;
using System.Runtime.InteropServices;
using Oml.Images;
using Oml.Models;
using Oml.Onnx;
using Oml.Registries;
using static Oml.Tests.Onnx.OnnxTestModels;

namespace Oml.Tests.Onnx;

/// <summary>
/// The preprocessing an exported model states in its metadata_props, read back from the file by ONNX Runtime: the keys
/// and values per transform, and — the point of them — that a program following them alone (resize, channel order,
/// scale, mean, std) feeds the network the same numbers as our transform.
/// </summary>
public sealed class OnnxMetadataTests : TempDirectoryTest
{
    private static ResnetExtractor TinyResnet(FeatureNormalisation normalisation = FeatureNormalisation.None) =>
        Randomised(new ResnetExtractor(new ResnetSpec(ResnetBlockKind.Basic, [1, 1], [4, 8]), normalisation: normalisation), seed: 1);

    private IReadOnlyDictionary<string, string> ExportAndRead(Extractor extractor, string transformName, params (string Key, object? Value)[] args)
    {
        var transform = Registry.Transforms.Create(transformName, BlockArgs.From("transforms_predict.args", args));
        var result = OnnxExport.Export(extractor, Dir.File("m.onnx"), new OnnxExportOptions
        {
            Transform = transform,
            TransformName = transformName,
            TransformArgs = args.ToDictionary(a => a.Key, a => a.Value),
        });
        using var runtime = new OnnxRuntimeExtractor(result.Path, threads: 1);
        Assert.Equal(result.Metadata, runtime.Metadata);
        return runtime.Metadata;
    }

    [Fact]
    public void NormResizeTorchStatesImageNetsRgbMeanAndStdAndTheNetwork()
    {
        using var extractor = TinyResnet(FeatureNormalisation.L2);
        var metadata = ExportAndRead(extractor, "norm_resize_torch", ("im_size", 48L));

        Assert.Equal("resnet (Basic blocks [1, 1], widths [4, 8], Torchvision padding), average pooling", metadata[OnnxMetadataKeys.Architecture]);
        Assert.Equal("8", metadata[OnnxMetadataKeys.FeatureDim]);
        Assert.Equal("true", metadata[OnnxMetadataKeys.NormalisedFeatures]);
        Assert.Equal("48", metadata[OnnxMetadataKeys.InputHeight]);
        Assert.Equal("48", metadata[OnnxMetadataKeys.InputWidth]);
        Assert.Equal("norm_resize_torch", metadata[OnnxMetadataKeys.Transform]);
        Assert.Equal("{\"im_size\":48}", metadata[OnnxMetadataKeys.TransformArgs]);
        Assert.StartsWith("squash: resize to 48x48", metadata[OnnxMetadataKeys.Resize]);
        Assert.Equal("RGB", metadata[OnnxMetadataKeys.ChannelOrder]);
        Assert.Equal("0-1", metadata[OnnxMetadataKeys.PixelScale]);
        Assert.Equal("0.485,0.456,0.406", metadata[OnnxMetadataKeys.Mean]);
        Assert.Equal("0.229,0.224,0.225", metadata[OnnxMetadataKeys.Std]);
        Assert.False(metadata.ContainsKey(OnnxMetadataKeys.MeanImage));
    }

    [Fact]
    public void NormResizeMlnetStatesBgrOnThe0To255ScaleAndItsMeanImage()
    {
        using var extractor = TinyResnet();
        var metadata = ExportAndRead(extractor, "norm_resize_mlnet", ("im_size", 64L));

        Assert.Equal("false", metadata[OnnxMetadataKeys.NormalisedFeatures]);
        Assert.Equal("BGR", metadata[OnnxMetadataKeys.ChannelOrder]);
        Assert.Equal("0-255", metadata[OnnxMetadataKeys.PixelScale]);
        Assert.Equal("mean_image", metadata[OnnxMetadataKeys.Mean]);
        Assert.Equal("1,1,1", metadata[OnnxMetadataKeys.Std]);
        var transform = (MeanImageResizeTransform)Registry.Transforms.Create("norm_resize_mlnet", BlockArgs.From("t", ("im_size", 64L)));
        Assert.Equal(transform.MeanImage.ToArray(), MeanImage(metadata));
        Assert.Equal(3 * 64 * 64, MeanImage(metadata).Length);
    }

    [Fact]
    public void NormResizeMlnetWithoutItsMeanImageStatesTheBgrChannelMeans()
    {
        using var extractor = TinyResnet();
        var metadata = ExportAndRead(extractor, "norm_resize_mlnet", ("im_size", 32L), ("mean_image", false));
        Assert.Equal("BGR", metadata[OnnxMetadataKeys.ChannelOrder]);
        Assert.Equal("0-255", metadata[OnnxMetadataKeys.PixelScale]);
        Assert.Equal("103.0626,115.9029,123.1516", metadata[OnnxMetadataKeys.Mean]);
        Assert.Equal("1,1,1", metadata[OnnxMetadataKeys.Std]);
    }

    [Fact]
    public void LetterboxAndNoResizeAreNamed()
    {
        using var extractor = TinyResnet();
        Assert.StartsWith("letterbox: longest side to 40", ExportAndRead(extractor, "norm_resize_albu", ("im_size", 40L))[OnnxMetadataKeys.Resize]);
        var clip = ExportAndRead(extractor, "norm_resize_albu_clip", ("im_size", 40L));
        Assert.Equal("0.48145466,0.4578275,0.40821073", clip[OnnxMetadataKeys.Mean]);
        var centreCrop = ExportAndRead(extractor, "norm_resize_hypvit_torch", ("im_size", 40L), ("crop_size", 32L));
        Assert.StartsWith("shorter_side_center_crop: shorter side to 40", centreCrop[OnnxMetadataKeys.Resize]);
        Assert.Equal("32", centreCrop[OnnxMetadataKeys.InputHeight]);
    }

    [Fact]
    public void ATransformThatKeepsTheSizeTakesTheNetworksOwnSizeWithANote()
    {
        using var resnet = TinyResnet();
        var result = OnnxExport.Export(resnet, Dir.File("r.onnx"), new OnnxExportOptions { Transform = new NormalizeTransform(ChannelNormalization.ImageNet), TransformName = "norm_albu" });
        Assert.Equal("224", result.Metadata[OnnxMetadataKeys.InputHeight]);
        Assert.StartsWith("none:", result.Metadata[OnnxMetadataKeys.Resize]);
        Assert.Contains(result.Notes, n => n.Contains("norm_albu keeps each image's size, so the input is 224x224 px", StringComparison.Ordinal));

        using var vit = Randomised(new ViTExtractor(new ViTSpec(8, 16, 1, 2, ImageSize: 40)), seed: 2);
        var fromVit = OnnxExport.Export(vit, Dir.File("v.onnx"), new OnnxExportOptions { Transform = new NormalizeTransform(ChannelNormalization.ImageNet) });
        Assert.Equal("40", fromVit.Metadata[OnnxMetadataKeys.InputHeight]);
        var chosen = OnnxExport.Export(vit, Dir.File("v.onnx"), new OnnxExportOptions { Transform = new NormalizeTransform(ChannelNormalization.ImageNet), ImageSize = 56 });
        Assert.Equal(["batch", "3", "56", "56"], chosen.InputShape);
    }

    [Fact]
    public void WithoutATransformTheModelStatesNormResizeTorchAtItsSize()
    {
        using var extractor = TinyResnet();
        var result = OnnxExport.Export(extractor, Dir.File("m.onnx"), new OnnxExportOptions { ImageSize = 32, Metadata = new Dictionary<string, string> { ["weights"] = "best.ckpt" } });
        Assert.Equal("norm_resize_torch", result.Metadata[OnnxMetadataKeys.Transform]);
        Assert.Equal("{\"im_size\":32}", result.Metadata[OnnxMetadataKeys.TransformArgs]);
        Assert.Equal("best.ckpt", result.Metadata[OnnxMetadataKeys.Weights]);
    }

    [Theory]
    [InlineData("norm_resize_torch")]
    [InlineData("norm_resize_mlnet")]
    [InlineData("norm_resize_mlnet_channel_means")]
    public void FollowingTheMetadataAloneGivesTheTransformsInput(string name)
    {
        // what a Python or C++ program would do with the metadata: resize, scale, reorder the channels, subtract, divide
        var size = 40;
        var block = name == "norm_resize_mlnet_channel_means" ? "norm_resize_mlnet" : name;
        (string, object?)[] args = name == "norm_resize_mlnet_channel_means" ? [("im_size", (long)size), ("mean_image", false)] : [("im_size", (long)size)];
        using var extractor = TinyResnet();
        var metadata = ExportAndRead(extractor, block, args);
        var transform = Registry.Transforms.Create(block, BlockArgs.From("t", args));
        foreach (var image in ExportCheckImages.Render(97))
        {
            using (image)
            {
                var expected = new float[3 * size * size];
                transform.Apply(image, new Random(0), expected);
                var followed = FromMetadata(metadata, image);
                Assert.True(FeatureDifference.MaxAbs(followed, expected) < 1e-4, $"{name}: {FeatureDifference.MaxAbs(followed, expected)}");
            }
        }
    }

    /// <summary>The model's input for <paramref name="image"/> computed from the metadata only (a squash resize).</summary>
    private static float[] FromMetadata(IReadOnlyDictionary<string, string> metadata, RgbImage image)
    {
        Assert.StartsWith("squash", metadata[OnnxMetadataKeys.Resize]);
        var height = int.Parse(metadata[OnnxMetadataKeys.InputHeight], CultureInfo.InvariantCulture);
        var width = int.Parse(metadata[OnnxMetadataKeys.InputWidth], CultureInfo.InvariantCulture);
        using var resized = ImageResize.Resize(image, width, height, ResampleFilter.Bilinear);
        var bgr = metadata[OnnxMetadataKeys.ChannelOrder] == "BGR";
        var divisor = metadata[OnnxMetadataKeys.PixelScale] == "0-1" ? 255.0 : 1.0;
        var meanImage = metadata[OnnxMetadataKeys.Mean] == "mean_image" ? MeanImage(metadata) : null;
        var mean = meanImage is null ? Numbers(metadata[OnnxMetadataKeys.Mean]) : null;
        var std = Numbers(metadata[OnnxMetadataKeys.Std]);
        var plane = height * width;
        var input = new float[3 * plane];
        for (var c = 0; c < 3; c++)
        {
            var source = bgr ? 2 - c : c;
            for (var i = 0; i < plane; i++)
            {
                var value = resized.Pixels[i * 3 + source] / divisor;
                input[c * plane + i] = (float)((value - (meanImage?[c * plane + i] ?? mean![c])) / std[c]);
            }
        }
        return input;
    }

    private static float[] MeanImage(IReadOnlyDictionary<string, string> metadata) =>
        MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(metadata[OnnxMetadataKeys.MeanImage])).ToArray();

    private static double[] Numbers(string text) => text.Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
}
