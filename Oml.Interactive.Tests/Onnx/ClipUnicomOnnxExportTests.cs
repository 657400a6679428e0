using Oml.Models;
using Oml.Onnx;
using Oml.Tests.Models;
using static Oml.Tests.Onnx.OnnxTestModels;

namespace Oml.Tests.Onnx;

/// <summary>The CLIP and Unicom ViTs written by <see cref="OnnxExport"/> and run by ONNX Runtime against the TorchSharp forward.</summary>
public sealed class ClipUnicomOnnxExportTests(ITestOutputHelper output) : TempDirectoryTest
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ClipFeaturesInOnnxRuntimeEqualTorchSharps(bool normalise)
    {
        using var clip = Randomised(new ViTClipExtractor(ClipUnicomFixtures.TinyClip, normalise ? FeatureNormalisation.L2 : FeatureNormalisation.None), seed: 5);
        var result = AssertExportMatches(clip, "vit_clip");
        Assert.Equal("vit_clip (patch 8, width 32, 2 layers, 2 heads, 32 px)", result.Metadata[OnnxMetadataKeys.Architecture]);
    }

    [Fact]
    public void UnicomFeaturesInOnnxRuntimeEqualTorchSharpsWithTheBatchNormsFolded()
    {
        using var unicom = Randomised(new ViTUnicomExtractor(ClipUnicomFixtures.TinyUnicom, FeatureNormalisation.L2), seed: 6);
        using (no_grad())
        {
            foreach (var (_, module) in unicom.named_modules())
            {
                if (module is not TorchSharp.Modules.BatchNorm1d bn) continue;
                bn.running_mean!.copy_(randn(bn.running_mean.shape) * 0.2);
                bn.running_var!.copy_(rand(bn.running_var.shape) + 0.5);
            }
        }
        var result = AssertExportMatches(unicom, "vit_unicom");
        Assert.Equal("vit_unicom (patch 8, dim 32, depth 2, 2 heads, 32 px)", result.Metadata[OnnxMetadataKeys.Architecture]);
    }

    [Fact]
    public void AnotherInputSizeThanTheArchsIsRefused()
    {
        using var clip = Randomised(new ViTClipExtractor(ClipUnicomFixtures.TinyClip), seed: 7);
        var e = Assert.Throws<OmlException>(() => OnnxExport.Export(clip, Dir.File("m.onnx"), new OnnxExportOptions { ImageSize = 48 }));
        Assert.Equal("vit_clip takes 32x32 images only, so its ONNX input is 32 px, not 48; choose an input size of 32 (or a transform that makes 32x32 images)", e.Message);
        using var unicom = Randomised(new ViTUnicomExtractor(ClipUnicomFixtures.TinyUnicom), seed: 7);
        Assert.StartsWith("vit_unicom takes 32x32 images only", Assert.Throws<OmlException>(() => OnnxExport.Export(unicom, Dir.File("m.onnx"), new OnnxExportOptions { ImageSize = 40 })).Message);
        Assert.False(File.Exists(Dir.File("m.onnx")));
    }

    [Fact]
    public void WeightsOverProtobufsTwoGigabytesAreRefused()
    {
        // Unicom's ViT-L/14 is 570 M weights (2.3 GB in float32); the tiny one against a limit its size less one float
        using var unicom = new ViTUnicomExtractor(ClipUnicomFixtures.TinyUnicom);
        var bytes = unicom.state_dict().Values.Where(t => t.is_floating_point()).Sum(t => t.numel()) * 4;
        ExtractorOnnxGraph.EnsureFitsOneFile(unicom, bytes);
        var e = Assert.Throws<OmlException>(() => ExtractorOnnxGraph.EnsureFitsOneFile(unicom, bytes - 4));
        Assert.StartsWith("vit_unicom (patch 8, dim 32, depth 2, 2 heads, 32 px) cannot be exported to ONNX: its weights take 0.00 GB in float32", e.Message);
        Assert.EndsWith("an ONNX file over 2 GB needs them as external data, which this export does not write", e.Message);
        Assert.Equal(int.MaxValue, ExtractorOnnxGraph.MaxWeightBytes);
    }

    private OnnxExportResult AssertExportMatches(Extractor extractor, string name)
    {
        var path = Dir.File("model.onnx");
        var result = OnnxExport.Export(extractor, path); // the arch's own size when nothing chooses one
        Assert.True(result.MaxAbsDifference <= Tolerance, $"{name}: the export's check found {result.MaxAbsDifference}");

        using var scope = NewDisposeScope();
        var images = RandomImages(3, 32, seed: 12);
        using var runtime = new OnnxRuntimeExtractor(path, threads: 1);
        var batch = runtime.Extract(images).data<float>().ToArray();
        var expected = TorchFeatures(extractor, images);
        var difference = FeatureDifference.MaxAbs(batch, expected);
        var spread = FeatureDifference.MaxAbs(expected.AsSpan(0, extractor.FeatDim), expected.AsSpan(extractor.FeatDim, extractor.FeatDim));
        output.WriteLine($"{name}: check {result.MaxAbsDifference:E2}, batch of 3 {difference:E2}, rows differ by {spread:F3}");
        Assert.True(difference <= Tolerance, $"{name}: max abs difference {difference}");
        Assert.True(expected.Max(Math.Abs) > 0.05, $"{name}: features too small to compare");
        Assert.True(spread > 1e-3, $"{name}: two different images gave the same features");
        return result;
    }
}
