using Oml.IO;
using Oml.Models;
using Oml.Onnx;
using static Oml.Tests.Onnx.OnnxTestModels;

namespace Oml.Tests.Onnx;

/// <summary>What a user can get wrong with an export is an <see cref="OmlException"/> naming it, and no file is half written.</summary>
public sealed class OnnxExportErrorTests : TempDirectoryTest
{
    private sealed class CustomExtractor() : Extractor(nameof(CustomExtractor), FeatureNormalisation.None)
    {
        public override int FeatDim => 3;

        protected override Tensor ExtractUnnormalised(Tensor images) => images.mean([2, 3]);
    }

    private static ResnetExtractor TinyResnet() => Randomised(new ResnetExtractor(new ResnetSpec(ResnetBlockKind.Basic, [1, 1], [4, 8])), seed: 1);

    [Fact]
    public void ACustomExtractorIsNamedWithWhatCanBeExported()
    {
        using var custom = new CustomExtractor();
        var error = Assert.Throws<OmlException>(() => OnnxExport.Export(custom, Dir.File("m.onnx")));
        Assert.Contains("CustomExtractor cannot be exported to ONNX", error.Message);
        Assert.Contains("resnet (ResnetExtractor", error.Message);
        using var wrapped = new ExtractorWithMlp(new CustomExtractor(), [4]);
        Assert.Contains("CustomExtractor cannot be exported", Assert.Throws<OmlException>(() => OnnxExport.Export(wrapped, Dir.File("m.onnx"))).Message);
        Assert.False(File.Exists(Dir.File("m.onnx")));
    }

    [Fact]
    public void AnUnwritablePathIsNamedByItsOption()
    {
        using var extractor = TinyResnet();
        var readOnly = UnwritableFolder.In(Dir);
        var error = Assert.Throws<OmlException>(() => OnnxExport.Export(extractor, Path.Combine(readOnly, "sub", "m.onnx"),
            new OnnxExportOptions { ImageSize = 32, PathName = "--onnx" }));
        Assert.StartsWith("--onnx: cannot create the folder", error.Message);
        Assert.Contains("--onnx: . is a folder, not a file", Assert.Throws<OmlException>(() =>
            OnnxExport.Export(extractor, ".", new OnnxExportOptions { ImageSize = 32, PathName = "--onnx" })).Message);
    }

    [Fact]
    public void AFailedCheckLeavesThePreviousFileAndNoTemporaryFile()
    {
        using var extractor = TinyResnet();
        var path = Dir.Write("m.onnx", "the previous model");
        // a negative tolerance fails every check: the path a real mismatch would take
        var error = Assert.Throws<OmlException>(() => OnnxExport.Export(extractor, path, new OnnxExportOptions { ImageSize = 32, Tolerance = -1 }));
        Assert.Contains("differ from TorchSharp's by", error.Message);
        Assert.Contains($"so {path} was not written", error.Message);
        Assert.Equal("the previous model", File.ReadAllText(path));
        Assert.Empty(Directory.GetFiles(Dir.Path, AtomicFile.TempPrefix + "*"));
    }

    [Fact]
    public void AnInputSizeTheTransformContradictsIsAnError()
    {
        using var extractor = TinyResnet();
        var error = Assert.Throws<OmlException>(() => OnnxExport.Export(extractor, Dir.File("m.onnx"), new OnnxExportOptions
        {
            ImageSize = 64,
            Transform = new Oml.Images.ResizeTransform(32, Oml.Images.ChannelNormalization.ImageNet),
            TransformName = "norm_resize_torch",
        }));
        Assert.Contains("the transform norm_resize_torch makes 32x32 images, so the model's input is 32 px, not 64", error.Message);
        Assert.Contains("positive", Assert.Throws<OmlException>(() => OnnxExport.Export(extractor, Dir.File("m.onnx"), new OnnxExportOptions { ImageSize = 0 })).Message);
    }

    [Fact]
    public void ASizeTheNetworkCannotTakeIsTheNetworksMessage()
    {
        using var extractor = Randomised(new ResnetExtractor(new ResnetSpec(ResnetBlockKind.Basic, [1, 1, 1, 1], [4, 4, 4, 4], Padding: ResnetPadding.Cntk)), seed: 2);
        var error = Assert.Throws<OmlException>(() => OnnxExport.Export(extractor, Dir.File("m.onnx"), new OnnxExportOptions { ImageSize = 232 }));
        Assert.Contains("232x232 images cannot go through a ResNet with CNTK padding", error.Message);
        Assert.False(File.Exists(Dir.File("m.onnx")));
    }

    [Fact]
    public void OnnxRuntimeExtractorNamesAMissingOrForeignModel()
    {
        Assert.Contains("engine.args.model: nope.onnx does not exist",
            Assert.Throws<OmlException>(() => new OnnxRuntimeExtractor("nope.onnx", what: "engine.args.model")).Message);
        var notOnnx = Dir.Write("bad.onnx", "not a model");
        Assert.Contains("ONNX Runtime cannot load", Assert.Throws<OmlException>(() => new OnnxRuntimeExtractor(notOnnx)).Message);

        using var extractor = TinyResnet();
        var result = OnnxExport.Export(extractor, Dir.File("m.onnx"), new OnnxExportOptions { ImageSize = 32 });
        using var runtime = new OnnxRuntimeExtractor(result.Path, threads: 1);
        using var wrongSize = zeros(2, 3, 48, 48);
        var error = Assert.Throws<OmlException>(() => runtime.Extract(wrongSize));
        Assert.Contains("takes images of shape [N, 3, 32, 32], given [2, 3, 48, 48]", error.Message);
    }
}
