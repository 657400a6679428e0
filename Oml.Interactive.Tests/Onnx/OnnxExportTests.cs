using Oml.Models;
using Oml.Onnx;
using Onnx;
using static Oml.Tests.Onnx.OnnxTestModels;

namespace Oml.Tests.Onnx;

/// <summary>
/// Every exportable architecture family, written by <see cref="OnnxExport"/> and run by ONNX Runtime against the
/// TorchSharp forward: at batch sizes 1 and 3 (the batch dimension is dynamic) on images other than the export's own
/// check images, within 1e-4, with features large and varied enough for the comparison to mean something.
/// </summary>
public sealed class OnnxExportTests(ITestOutputHelper output) : TempDirectoryTest
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> ResnetCases() => ["basic-average", "basic-gem-l2", "basic-fc", "basic-projector-l2", "basic-cntk", "basic-cntk-odd", "bottleneck-gem", "bottleneck-average-l2-detached"];

    private static (Extractor Extractor, int Size) Resnet(string name) => name switch
    {
        "basic-average" => (new ResnetExtractor(new ResnetSpec(ResnetBlockKind.Basic, [1, 2], [4, 8])), 32),
        "basic-gem-l2" => (new ResnetExtractor(new ResnetSpec(ResnetBlockKind.Basic, [1, 1, 1], [4, 8, 16]), gemP: 3, normalisation: FeatureNormalisation.L2), 40),
        "basic-fc" => (new ResnetExtractor(new ResnetSpec(ResnetBlockKind.Basic, [1, 1], [4, 8], ClassCount: 6), removeFc: false), 32),
        "basic-projector-l2" => (new ResnetExtractor(new ResnetSpec(ResnetBlockKind.Basic, [1, 1], [4, 8], ClassCount: 5, ProjectorHead: true),
            removeFc: false, normalisation: FeatureNormalisation.L2), 32),
        // 66 px: odd sides after the stem (33), where CNTK's [1, 0] padding and torchvision's differ
        "basic-cntk" => (new ResnetExtractor(new ResnetSpec(ResnetBlockKind.Basic, [1, 1], [4, 8], Padding: ResnetPadding.Cntk)), 66),
        // 67 px: an odd side into the stem too (67 → 33 → 16 → 8); ONNX Runtime pads asymmetrically, TorchSharp crops
        "basic-cntk-odd" => (new ResnetExtractor(new ResnetSpec(ResnetBlockKind.Basic, [1, 1], [4, 8], Padding: ResnetPadding.Cntk)), 67),
        "bottleneck-gem" => (new ResnetExtractor(new ResnetSpec(ResnetBlockKind.Bottleneck, [1, 2, 1], [4, 8, 8]), gemP: 2.5), 48),
        "bottleneck-average-l2-detached" => (new ResnetExtractor(new ResnetSpec(ResnetBlockKind.Bottleneck, [2, 1], [4, 8]),
            normalisation: FeatureNormalisation.L2DetachedNorm), 32),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(ResnetCases))]
    public void ResnetFeaturesInOnnxRuntimeEqualTorchSharps(string name)
    {
        var (model, size) = Resnet(name);
        using var extractor = Randomised(model, seed: 1);
        AssertExportMatches(extractor, size, name);
    }

    [Theory]
    [InlineData(32, false, false)]   // the positional encoding's own grid
    [InlineData(48, false, true)]    // interpolated (bicubic) for a 6x6 grid, normalised features
    [InlineData(40, true, false)]    // multi-scale: 40, 28 and 20 px, each with its own encoding
    public void ViTFeaturesInOnnxRuntimeEqualTorchSharps(int size, bool multiScale, bool normalise)
    {
        using var extractor = Randomised(new ViTExtractor(new ViTSpec(8, 32, 2, 2, ImageSize: 32), normalise ? FeatureNormalisation.L2 : FeatureNormalisation.None, multiScale), seed: 2);
        AssertExportMatches(extractor, size, $"vit {size} px{(multiScale ? ", multi-scale" : "")}{(normalise ? ", normalised" : "")}");
    }

    [Theory]
    [InlineData(false, 49, false)]  // DINOv2: the encoding's own 7x7 grid
    [InlineData(false, 28, false)]  // resized (scale factors with offset 0.1) to 4x4
    [InlineData(true, 56, false)]   // with registers: resized (antialiased, to the grid's size) to 8x8
    [InlineData(true, 28, false)]
    [InlineData(true, 70, true)]    // multi-scale: 70, 49 and 35 px
    public void Dinov2FeaturesInOnnxRuntimeEqualTorchSharps(bool registers, int size, bool multiScale)
    {
        var spec = registers ? Oml.Tests.Models.DinoV2FixtureTests.TinyWithRegisters : Oml.Tests.Models.DinoV2FixtureTests.Tiny;
        using var extractor = Randomised(new ViTExtractor(spec, useMultiScale: multiScale), seed: 5);
        AssertExportMatches(extractor, size, $"dinov2{(registers ? " with registers" : "")} {size} px{(multiScale ? ", multi-scale" : "")}");
    }

    [Fact]
    public void ADinov2ThatCannotTakeTheSizeIsRefusedWithTheSidesThatWork()
    {
        using var extractor = Randomised(new ViTExtractor(Oml.Tests.Models.DinoV2FixtureTests.Tiny, useMultiScale: true), seed: 5);
        Assert.Equal("vit (DINOv2, 0 register tokens, patch 7, dim 24, depth 2, heads 2, grid of 49 px), multi-scale", ExtractorOnnxGraph.Describe(extractor));
        var error = Assert.Throws<OmlException>(() => OnnxExport.Export(extractor, Dir.File("m.onnx"), new OnnxExportOptions { ImageSize = 56 }));
        Assert.Contains("takes images whose sides are multiples of 7, got 39x39", error.Message);
        Assert.False(File.Exists(Dir.File("m.onnx")));
    }

    [Theory]
    [InlineData("resnet", false)]
    [InlineData("resnet", true)]
    [InlineData("vit", false)]
    [InlineData("vit", true)]
    public void ExtractorWithMlpFeaturesInOnnxRuntimeEqualTorchSharps(string backbone, bool normalisedBackbone)
    {
        var normalisation = normalisedBackbone ? FeatureNormalisation.L2 : FeatureNormalisation.None;
        Extractor inner = backbone == "resnet"
            ? new ResnetExtractor(new ResnetSpec(ResnetBlockKind.Basic, [1, 1], [4, 8]), gemP: 3, normalisation: normalisation)
            : new ViTExtractor(new ViTSpec(8, 32, 1, 2, ImageSize: 32), normalisation);
        using var extractor = Randomised(new ExtractorWithMlp(inner, [16, 6]), seed: 3);
        AssertExportMatches(extractor, 32, $"extractor_with_mlp over {backbone}{(normalisedBackbone ? " (normalised)" : "")}");
    }

    [Fact]
    public void TheGraphHasADynamicBatchTheOpsetAndNoBatchNormNodes()
    {
        using var extractor = Randomised(new ResnetExtractor(new ResnetSpec(ResnetBlockKind.Basic, [1, 1], [4, 8])), seed: 4);
        var result = OnnxExport.Export(extractor, Dir.File("m.onnx"));
        var model = ModelProto.Parser.ParseFromFile(result.Path);

        Assert.Equal(17, model.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.Equal(17, result.Opset);
        var input = model.Graph.Input.Single();
        Assert.Equal("images", input.Name);
        Assert.Equal("batch", input.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal([3L, 224, 224], input.Type.TensorType.Shape.Dim.Skip(1).Select(d => d.DimValue));
        var outputInfo = model.Graph.Output.Single();
        Assert.Equal("embeddings", outputInfo.Name);
        Assert.Equal("batch", outputInfo.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(8, outputInfo.Type.TensorType.Shape.Dim[1].DimValue);
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.Equal(6, model.Graph.Node.Count(n => n.OpType == "Conv"));   // stem, 2 + 2 in the blocks, layer2's downsample
        Assert.Equal(["batch", "3", "224", "224"], result.InputShape);
        Assert.Equal(["batch", "8"], result.OutputShape);
        Assert.Equal([1, 3], result.CheckedBatchSizes);
        Assert.Equal(new FileInfo(result.Path).Length, result.Bytes);
    }

    [Fact]
    public void ADifferentNetworkIsSeenAsADifference()
    {
        // the comparison itself must be able to fail: the same file against a network with one weight changed
        using var extractor = Randomised(new ResnetExtractor(new ResnetSpec(ResnetBlockKind.Basic, [1, 1], [4, 8])), seed: 5);
        var result = OnnxExport.Export(extractor, Dir.File("m.onnx"), new OnnxExportOptions { ImageSize = 32 });
        using (no_grad())
        {
            var conv = extractor.named_parameters().First(p => p.name == "layer2.0.conv2.weight").parameter;
            conv[0, 0, 1, 1] = conv[0, 0, 1, 1] + 0.5f;
        }
        using var images = RandomImages(3, 32, seed: 6);
        var difference = Difference(result.Path, extractor, images);
        output.WriteLine($"one weight +0.5: max abs difference {difference:E2}");
        Assert.True(difference > 1e-3, $"difference {difference}");
    }

    [Fact]
    public void BatchNormFoldingEqualsConvolutionThenBatchNorm()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        var weight = randn([3, 2, 3, 3], generator: generator);
        var bias = randn([3], generator: generator);
        var gamma = rand([3], generator: generator) + 0.5;
        var beta = randn([3], generator: generator);
        var mean = randn([3], generator: generator);
        var variance = rand([3], generator: generator) + 0.1;
        var x = randn([2, 2, 5, 5], generator: generator);
        var expected = nn.functional.batch_norm(nn.functional.conv2d(x, weight, bias), mean, variance, gamma, beta, training: false, eps: 1e-5);

        var (foldedWeight, foldedBias) = BatchNormFolding.Fold(Floats(weight), Floats(bias), Floats(gamma), Floats(beta), Floats(mean), Floats(variance), 1e-5);
        var folded = nn.functional.conv2d(x, tensor(foldedWeight, [3, 2, 3, 3]), tensor(foldedBias));

        Assert.True(FeatureDifference.MaxAbs(Floats(folded), Floats(expected)) < 1e-5);
        Assert.True(FeatureDifference.MaxAbs(Floats(nn.functional.conv2d(x, weight, bias)), Floats(expected)) > 0.1);   // the batch norm did something
    }

    [Fact]
    public void FeatureDifferenceIsTheLargestAbsoluteDifferenceInfiniteForNaNAndTheAllowedOneScalesAboveOne()
    {
        Assert.Equal(0.5, FeatureDifference.MaxAbs([1f, 2f, 3f], [1f, 2.5f, 2.75f]), 6);
        Assert.Equal(double.PositiveInfinity, FeatureDifference.MaxAbs([1f, float.NaN], [1f, 1f]));
        Assert.Equal(double.PositiveInfinity, FeatureDifference.MaxAbs([1f], [1f, 1f]));
        Assert.Equal(3.5, FeatureDifference.LargestAbs([1f, -3.5f, 2f]));
        Assert.Equal(1e-4, FeatureDifference.Allowed(1e-4, 0.5));      // features up to 1: the tolerance itself
        Assert.Equal(100, FeatureDifference.Allowed(1e-4, 1e6), 9);    // larger ones: relative to the largest
    }

    /// <summary>Exports, then checks the file independently of the export's own check: other images, batches of 3 and 1.</summary>
    private void AssertExportMatches(Extractor extractor, int size, string name)
    {
        var path = Dir.File("model.onnx");
        var result = OnnxExport.Export(extractor, path, new OnnxExportOptions { ImageSize = size });
        Assert.True(result.MaxAbsDifference <= Tolerance, $"{name}: the export's check found {result.MaxAbsDifference}");
        Assert.Equal([1, 3], result.CheckedBatchSizes);

        using var scope = NewDisposeScope();
        var images = RandomImages(3, size, seed: 11);
        using var runtime = new OnnxRuntimeExtractor(path, threads: 1);
        var batch = runtime.Extract(images).data<float>().ToArray();
        var single = runtime.Extract(images.narrow(0, 0, 1)).data<float>().ToArray();
        var expected = TorchFeatures(extractor, images);
        var dim = extractor.FeatDim;
        var difference = Math.Max(FeatureDifference.MaxAbs(batch, expected), FeatureDifference.MaxAbs(single, expected.AsSpan(0, dim)));
        var largest = expected.Max(Math.Abs);
        var spread = FeatureDifference.MaxAbs(expected.AsSpan(0, dim), expected.AsSpan(dim, dim));
        output.WriteLine($"{name}: {result.Bytes} bytes, check {result.MaxAbsDifference:E2}, batches 3 and 1 {difference:E2}, largest feature {largest:F3}, rows differ by {spread:F3}");

        Assert.Equal(3 * dim, batch.Length);
        Assert.True(difference <= Tolerance, $"{name}: max abs difference {difference}");
        Assert.True(largest > 0.05, $"{name}: features this small ({largest}) make the comparison meaningless");
        Assert.True(spread > 1e-3, $"{name}: two different images gave the same features");
        if (extractor.Normalisation != FeatureNormalisation.None)
        {
            for (var row = 0; row < 3; row++) Assert.Equal(1.0, Math.Sqrt(batch.AsSpan(row * dim, dim).ToArray().Sum(v => (double)v * v)), 4);
        }
    }

    private static float[] Floats(Tensor t) => t.contiguous().data<float>().ToArray();
}
