using Oml.Images;
using Oml.IO;
using Oml.Models;
using Oml.Registries;
using Oml.Weights;

namespace Oml.Tests.Models;

/// <summary>
/// The Unicom extractor against PyTorch (Fixtures/models/make_clip_unicom_fixtures.py): Unicom's fp16 state dict loads
/// with strict key matching and gives PyTorch's eval-mode output; full-size archs have exactly Unicom's keys and shapes;
/// unicom_transforms is Unicom's transform.
/// </summary>
public sealed class UnicomFixtureTests(ITestOutputHelper output) : TempDirectoryTest
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void UnicomsHalfPrecisionStateDictLoadsStrictlyAndMatchesPyTorch()
    {
        using var scope = NewDisposeScope();
        using (var read = StateDictFile.Read(ClipUnicomFixtures.UnicomStateDict))
        {
            Assert.Equal(ScalarType.Float16, read["feature.0.weight"].dtype);
            Assert.Equal(ScalarType.Int64, read["feature.1.num_batches_tracked"].dtype);
        }
        using var model = new ViTUnicomExtractor(ClipUnicomFixtures.TinyUnicom);
        using var random = new ViTUnicomExtractor(ClipUnicomFixtures.TinyUnicom);
        ExtractorWeights.Load(model, ClipUnicomFixtures.UnicomStateDict, "extractor.args.weights");
        var (difference, largest) = ModelFixtures.AssertMatchesPyTorch(model, "unicom_tiny", 32, 32, Tolerance);
        output.WriteLine($"max abs difference to PyTorch: {difference:E2} (largest feature {largest:F3})");
        random.eval();
        using (no_grad())
        {
            // the weights matter
            Assert.True(ModelFixtures.MaxAbsDifference(random.Extract(ModelFixtures.Input("unicom_tiny", 32, 32)), ModelFixtures.Expected("unicom_tiny")) > 0.01);
        }
    }

    [Fact]
    public void InTrainingTheBatchNormsUseTheBatchAndPathsAreDropped()
    {
        manual_seed(3);
        using var model = new ViTUnicomExtractor(ClipUnicomFixtures.TinyUnicom with { Depth = 3, DropPathRate = 0.5 });
        using var x = randn(8, 3, 32, 32);
        model.eval();
        using var eval1 = model.Extract(x);
        using var eval2 = model.Extract(x);
        Assert.True(eval1.equal(eval2).all().item<bool>());
        model.train();
        using var train1 = model.Extract(x);
        using var train2 = model.Extract(x);
        Assert.False(train1.allclose(eval1, 1e-3, 1e-3)); // batch statistics
        Assert.False(train1.allclose(train2, 1e-6, 1e-6)); // random drop path (the batch norms alone would repeat)
    }

    [Fact]
    public void EveryParameterLearns()
    {
        using var model = new ViTUnicomExtractor(ClipUnicomFixtures.TinyUnicom, FeatureNormalisation.L2);
        model.train();
        using var x = randn(4, 3, 32, 32);
        using var loss = model.Extract(x).pow(3).sum();
        loss.backward();
        Assert.All(model.named_parameters(), p => Assert.True(p.parameter.grad is { } g && g.abs().sum().item<float>() > 0, p.name));
    }

    [Theory]
    [InlineData("vitb32_unicom", 512)]
    [InlineData("vitb16_unicom", 768)]
    [InlineData("vitl14_unicom", 768)]
    [InlineData("vitl14_336px_unicom", 768)]
    public void FullSizeUnicomHasUnicomsKeysAndShapes(string arch, int featDim)
    {
        using var model = new ViTUnicomExtractor(arch);
        Assert.Equal(ModelFixtures.Manifest("unicom_" + arch), ModelFixtures.KeysAndShapes(model));
        Assert.Equal(featDim, model.FeatDim); // OML's ViTUnicomExtractor.feat_dim
    }

    [Fact]
    public void TheRegistryBuildsVitUnicomAndLoadsUnicomsFile()
    {
        using var source = new ViTUnicomExtractor("vitb32_unicom");
        var file = Dir.File("FP16-ViT-B-32.pt");
        ClipUnicomFixtures.WriteUnicomHalf(source, file);
        using var loaded = Registry.Extractors.Create("vit_unicom", BlockArgs.From("extractor.args",
            ("arch", "vitb32_unicom"), ("normalise_features", true), ("use_gradient_ckpt", true), ("weights", file)));
        Assert.Equal(512, loaded.FeatDim);
        Assert.Equal(FeatureNormalisation.L2, loaded.Normalisation);
        ClipUnicomFixtures.AssertHalfOf(source, loaded);
    }

    [Fact]
    public void AnImageOfAnotherSizeIsRefusedWithTheSizeToUse()
    {
        using var model = new ViTUnicomExtractor("vitb32_unicom");
        using var x = randn(2, 3, 256, 256);
        Assert.Equal("vit_unicom vitb32_unicom takes images of 224x224 pixels only ([N, 3, 224, 224]); got [2, 3, 256, 256]. Resize them to 224 " +
                     "in the transforms, e.g. {name: unicom_transforms, args: {im_size: 224}} as OML does for its Unicom checkpoints",
            Assert.Throws<OmlException>(() => model.Extract(x)).Message);
    }

    [Fact]
    public void UnicomTransformsIsUnicomsTransformOnAKnownImage()
    {
        var transform = Registry.Transforms.Create("unicom_transforms", BlockArgs.From("transforms_val.args", ("im_size", 32L)));
        var resizeCrop = Assert.IsType<ResizeCenterCropTransform>(transform);
        Assert.Same(ChannelNormalization.Clip, resizeCrop.Normalization);
        var path = ModelFixtures.File("unicom_transform.png");
        using var image = ImageDecoder.Default.Decode(File.ReadAllBytes(path), path);
        Assert.Equal((70, 50), (image.Width, image.Height));
        var values = new float[3 * 32 * 32];
        transform.Apply(image, new Random(0), values);
        var expected = NpyFile.ReadMatrix(ModelFixtures.File("unicom_transform_expected.npy"));
        Assert.Equal(values.Length, expected.Columns);
        // PIL's bicubic and ours agree within one 8-bit level (Images/ImageResizeTests); one level is 1 / 255 / std after Normalize
        var level = 1 / 255.0 / ChannelNormalization.Clip.Std.Min() + 1e-6;
        var differences = values.Select((v, i) => Math.Abs(v - expected.Data[i])).ToArray();
        Assert.InRange(differences.Max(), 0, level);
        Assert.True(differences.Average() < level / 4, $"mean difference {differences.Average()}");

        var e = Assert.Throws<OmlException>(() => Registry.Transforms.Create("unicom_transforms", BlockArgs.Empty("transforms_val.args")));
        Assert.Equal("transforms_val.args.im_size is required: expected an integer", e.Message);
    }
}
