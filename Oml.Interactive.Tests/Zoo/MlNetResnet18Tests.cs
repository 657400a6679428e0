using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Oml.Data.Sources;
using Oml.Images;
using Oml.Models;
using Oml.Registries;
using Oml.Weights;
using Oml.Zoo;
using Onnx;

namespace Oml.Tests.Zoo;

/// <summary>
/// The ML.NET ResNet-18 (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18, which the build downloads): our TorchSharp
/// extractor with the imported weights against the original graphs run by ONNX Runtime on real images.
/// </summary>
public sealed class MlNetResnet18Tests(ITestOutputHelper output)
{
    private const int ImageCount = 16;

    [Fact]
    public void PreprocessingIsTheOnnxGraphExactlyAt224Pixels()
    {
        using var temp = new TempDirectory();
        var images = RealImages(temp);
        var transform = new MeanImageResizeTransform(224, MlNetResnet18.MeanImage(), 224);
        using var session = new InferenceSession(MlNetResnet18.PreprocessPath());
        var worst = 0f;
        foreach (var image in images)
        {
            using var resized = ImageResize.Resize(image, 224, 224, ResampleFilter.Bilinear);
            var rgb = new float[3 * 224 * 224];
            for (var i = 0; i < 224 * 224; i++)
                for (var c = 0; c < 3; c++) rgb[c * 224 * 224 + i] = resized.Pixels[i * 3 + c];
            var expected = Run(session, "OriginalInput", rgb, 1);
            var ours = new float[rgb.Length];
            transform.Apply(image, new Random(0), ours);
            worst = Math.Max(worst, MaxAbsDifference(expected, ours));
        }
        output.WriteLine($"preprocessing, {images.Count} images at 224 px: max abs difference {worst}");
        Assert.Equal(0f, worst);
        foreach (var image in images) image.Dispose();
    }

    [Fact]
    public void PooledFeaturesMatchTheOnnxGraphOnMockAndFashionMnistImages()
    {
        using var temp = new TempDirectory();
        var images = RealImages(temp);
        var transform = new MeanImageResizeTransform(224, MlNetResnet18.MeanImage(), 224);
        var batch = new float[images.Count * 3 * 224 * 224];
        for (var i = 0; i < images.Count; i++) transform.Apply(images[i], new Random(0), batch.AsSpan(i * 3 * 224 * 224, 3 * 224 * 224));

        // the original graph has batch size 1; make it dynamic so one run takes the whole batch
        var model = ModelProto.Parser.ParseFromFile(MlNetResnet18.ModelPath());
        model.Graph.SetDim();
        var dynamicGraph = temp.File("resnet18_dynamic.onnx");
        model.WriteToFile(dynamicGraph);
        using var session = new InferenceSession(dynamicGraph, new SessionOptions { IntraOpNumThreads = 2 });
        var expected = Run(session, "Input247", batch, images.Count);

        using var scope = NewDisposeScope();
        using var extractor = new ResnetExtractor(MlNetResnet18.Arch);
        ExtractorWeights.Load(extractor, MlNetResnet18.ZooKey, "extractor.args.weights");
        extractor.eval();
        float[] ours;
        using (no_grad()) ours = extractor.Extract(tensor(batch, [images.Count, 3, 224, 224])).data<float>().ToArray();

        Assert.Equal(images.Count * 512, expected.Length);
        var difference = MaxAbsDifference(expected, ours);
        var largest = expected.Max(Math.Abs);
        output.WriteLine($"pooled features of {images.Count} images: max abs difference {difference:E2} (largest feature {largest:F3})");
        Assert.True(difference < 1e-4, $"max abs difference {difference}");
        Assert.True(largest > 1, "features this small would make the comparison meaningless");
        foreach (var image in images) image.Dispose();
    }

    [Theory]
    [InlineData(225)]   // odd at the stem: CNTK pads [3 before, 2 after], torchvision would give 113 instead of 112
    [InlineData(227)]   // odd at the stem and at the max-pool (113 -> 56; torchvision would give 57)
    public void CntkPaddingMatchesTheGraphAtSizesWhereTorchvisionsWouldNot(int size)
    {
        using var temp = new TempDirectory();
        var model = ModelProto.Parser.ParseFromFile(MlNetResnet18.ModelPath());
        model.Graph.SetDim();   // batch
        var dims = model.Graph.Input.Single(i => i.Name == "Input247").Type.TensorType.Shape.Dim;
        dims[2].DimParam = "H";
        dims[3].DimParam = "W";
        model.Graph.ValueInfo.Clear();   // intermediate shapes were fixed for 224 px
        foreach (var output in model.Graph.Output) output.Type.TensorType.Shape.Dim.Clear();
        model.WriteToFile(temp.File("resnet18_any_size.onnx"));
        using var session = new InferenceSession(temp.File("resnet18_any_size.onnx"));
        manual_seed(5);
        using var scope = NewDisposeScope();
        var images = (rand(2, 3, size, size) * 255 - 115).contiguous();
        var data = images.data<float>().ToArray();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("Input247", new DenseTensor<float>(data, [2, 3, size, size]))]);
        var expected = results[0].AsEnumerable<float>().ToArray();

        using var extractor = new ResnetExtractor(MlNetResnet18.Arch);
        ExtractorWeights.Load(extractor, MlNetResnet18.ZooKey, "extractor.args.weights");
        extractor.eval();
        float[] ours;
        using (no_grad()) ours = extractor.Extract(images).data<float>().ToArray();
        var difference = MaxAbsDifference(expected, ours);
        output.WriteLine($"{size} px: max abs difference {difference:E2}");
        Assert.True(difference < 1e-4, $"max abs difference {difference}");
    }

    [Fact]
    public void SizesTheGraphCannotRunAreAClearError()
    {
        // 232 px: layer3's strided conv gives 14 from 29 (padded [1, 0]) while its 1x1 shortcut gives 15; ONNX Runtime
        // fails on the original graph's Add there too
        using var extractor = new ResnetExtractor(MlNetResnet18.Arch);
        using var images = zeros(1, 3, 232, 232);
        var error = Assert.Throws<OmlException>(() => extractor.Extract(images));
        Assert.Contains("232x232 images cannot go through a ResNet with CNTK padding", error.Message);
        Assert.Contains("multiple of 32", error.Message);
        Assert.Contains("e.g. 224", error.Message);
    }

    [Fact]
    public void ImportNamesEveryWeightOfTheGraphAfterTorchvisionAndFitsTheArch()
    {
        var imported = OnnxResnetImport.Read(MlNetResnet18.ModelPath());
        var spec = ResnetSpec.ForArch(ResnetArch.Resnet18MlNet);
        Assert.Equal(spec.BlocksPerStage, imported.BlocksPerStage);
        Assert.Equal(spec.StageWidths, imported.StageWidths);

        var graph = ModelProto.Parser.ParseFromFile(MlNetResnet18.ModelPath()).Graph;
        Assert.Equal(graph.Initializer.Select(i => i.Name).Order(), imported.Weights.Values.Select(w => w.SourceName).Order());
        Assert.Equal(15_908_800L, imported.Weights.Values.Sum(w => (long)w.Data.Length));

        using var extractor = new ResnetExtractor(MlNetResnet18.Arch);
        var expectedKeys = extractor.state_dict().Keys.Where(k => !k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).Order();
        Assert.Equal(expectedKeys, imported.Weights.Keys.Order());
        // the structure, not the initializer numbers, decides: the downsample conv of layer2.0 comes first in node order
        Assert.Equal("Parameter199", imported.Weights["layer2.0.downsample.0.weight"].SourceName);
        Assert.Equal("Parameter68", imported.Weights["layer2.0.conv1.weight"].SourceName);
        Assert.Equal("Parameter10", imported.Weights["layer4.2.conv2.weight"].SourceName);
        Assert.Equal([512L, 512, 3, 3], imported.Weights["layer4.2.conv2.weight"].Shape);
    }

    [Fact]
    public void ConvertedWeightsAreWrittenOnceAndReused()
    {
        var first = MlNetResnet18.WeightsFile();
        var written = File.GetLastWriteTimeUtc(first);
        Assert.Equal(first, MlNetResnet18.WeightsFile());
        Assert.Equal(written, File.GetLastWriteTimeUtc(first));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(first)!, ".oml-tmp-*"));

        using var temp = new TempDirectory();
        MlNetResnet18.Convert(MlNetResnet18.ModelPath(), temp.File("again.safetensors"));
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(temp.File("again.safetensors")));
    }

    [Fact]
    public void ChannelMeansAreThoseOfTheMeanImageAndOtherSizesResizeIt()
    {
        var mean = MlNetResnet18.MeanImage();
        const int plane = 224 * 224;
        for (var c = 0; c < 3; c++)
        {
            var average = mean.Skip(c * plane).Take(plane).Average(v => (double)v);
            Assert.Equal(ChannelNormalization.MlNetChannelMeansBgr[c], average, 3);
        }
        var small = new MeanImageResizeTransform(64, mean, 224);
        Assert.Equal(3 * 64 * 64, small.MeanImage.Length);
        for (var c = 0; c < 3; c++)
        {
            var average = small.MeanImage.Slice(c * 64 * 64, 64 * 64).ToArray().Average(v => (double)v);
            Assert.Equal(ChannelNormalization.MlNetChannelMeansBgr[c], average, 1);
        }
        // the mean image is not flat: resizing keeps a pattern of several 8-bit levels
        Assert.True(small.MeanImage.ToArray().Take(64 * 64).Max() - small.MeanImage.ToArray().Take(64 * 64).Min() > 5);
    }

    [Fact]
    public void ChannelMeanNormalisationWritesBgrMinusTheMeans()
    {
        using var image = new RgbImage(1, 1);
        image.Pixels[0] = 200;
        image.Pixels[1] = 100;
        image.Pixels[2] = 10;
        var output = new float[3];
        ChannelNormalization.MlNet.WriteChannelsFirst(image, output);
        Assert.Equal(10 - 103.0626, output[0], 3);
        Assert.Equal(100 - 115.9029, output[1], 3);
        Assert.Equal(200 - 123.1516, output[2], 3);
        using var back = ImageEncoding.FromNormalizedTensor(tensor(output, [3, 1, 1]), ChannelNormalization.MlNet);
        Assert.Equal(new byte[] { 200, 100, 10 }, back.Pixels[..3].ToArray());
    }

    [Fact]
    public void WrongArchOrHeadForTheKeyIsAnErrorThatSaysWhichToUse()
    {
        using var torchvision = new ResnetExtractor("resnet18");
        var error = Assert.Throws<OmlException>(() => ExtractorWeights.Load(torchvision, MlNetResnet18.ZooKey, "extractor.args.weights"));
        Assert.Contains("resnet18_mlnet", error.Message);
        Assert.Contains("blocks [2, 2, 2, 2]", error.Message);

        using var withFc = new ResnetExtractor(MlNetResnet18.Arch, removeFc: false);
        error = Assert.Throws<OmlException>(() => ExtractorWeights.Load(withFc, MlNetResnet18.ZooKey, "extractor.args.weights"));
        Assert.Contains("an fc head", error.Message);

        var block = ResnetBlock("resnet18", MlNetResnet18.ZooKey);
        var problem = Assert.Single(ExtractorBlock.WeightsProblems(block));
        Assert.Contains("arch: resnet18_mlnet, remove_fc: true", problem);
        Assert.Contains("got name: resnet, arch: resnet18", problem);
    }

    [Fact]
    public void OmlsZooKeysAreDownloadedNotRefused()
    {
        // torchvision's ResNet-18 with OML's arch: nothing to object to before the download (ZooDownloadTests covers that)
        Assert.Empty(ExtractorBlock.WeightsProblems(ResnetBlock("resnet18", "resnet18_imagenet1k_v1")));
        var wrongArch = Assert.Single(ExtractorBlock.WeightsProblems(ResnetBlock("resnet18_mlnet", "resnet18_imagenet1k_v1")));
        Assert.Contains("holds the weights of {name: resnet, args: {arch: resnet18}}", wrongArch);
    }

    [Fact]
    public void AMissingPackageNamesTheCommandThatBringsIt()
    {
        using var temp = new TempDirectory();
        var reason = MlNetResnet18.MissingReason(temp.Path);
        Assert.NotNull(reason);
        Assert.Contains("Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0", reason);
        Assert.Contains("dotnet restore", reason);
        Assert.Contains(temp.Path, reason);
        Assert.Null(MlNetResnet18.MissingReason());
    }

    private static ConfigBlock ResnetBlock(string arch, string weights) =>
        new("resnet", new Dictionary<string, object?> { ["arch"] = arch, ["weights"] = weights }, "extractor");

    /// <summary>8 mock images (PNG shapes on clutter) and 8 Fashion-MNIST images from Debian's package.</summary>
    private static List<RgbImage> RealImages(TempDirectory temp)
    {
        if (!Directory.Exists("/usr/share/datasets/fashion-mnist")) Assert.Skip("dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)");
        MockDatasetGenerator.Generate(temp.File("mock"));
        FashionMnistImporter.Import(temp.File("fm"), new FashionMnistOptions { MaxPerClassPerFile = 2 });
        var images = new List<RgbImage>();
        foreach (var csv in new[] { temp.File("mock/df.csv"), temp.File("fm/df.csv") })
        {
            var frame = DatasetFrame.Load(csv);
            var dataset = new ImageDataset(frame, frame.Rows, new NormalizeTransform(ChannelNormalization.ImageNet));
            for (var i = 0; i < ImageCount / 2; i++) images.Add(dataset.Decode(i * (frame.Rows.Count / (ImageCount / 2))));
        }
        return images;
    }

    private static float[] Run(InferenceSession session, string input, float[] data, int batch)
    {
        var shape = new[] { batch, 3, 224, 224 };
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(input, new DenseTensor<float>(data, shape))]);
        return results[0].AsEnumerable<float>().ToArray();
    }

    private static float MaxAbsDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        var worst = 0f;
        for (var i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        return worst;
    }
}
