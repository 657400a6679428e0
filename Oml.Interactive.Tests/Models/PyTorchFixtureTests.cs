using Oml.Models;
using TorchSharp.PyBridge;

namespace Oml.Tests.Models;

/// <summary>
/// The extractors against PyTorch (Fixtures/models/make_model_fixtures.py): PyTorch state dicts load with strict key
/// matching and give the same eval-mode outputs; full-size archs have exactly PyTorch's keys and shapes.
/// </summary>
public sealed class PyTorchFixtureTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string, string, int, int> Cases => new()
    {
        { "resnet_basic_tiny", "resnet_basic_tiny", 32, 32 },
        { "resnet_basic_tiny_gem_fc", "resnet_basic_tiny_gem_fc", 32, 32 },
        { "resnet_bottleneck_tiny_gem", "resnet_bottleneck_tiny_gem", 32, 32 },
        { "vit_tiny", "vit_tiny", 32, 32 },
        { "vit_tiny_48x40", "vit_tiny", 48, 40 },
        { "vit_tiny_multiscale", "vit_tiny", 32, 32 },
        { "extractor_with_mlp_tiny", "extractor_with_mlp_tiny", 32, 32 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void LoadsPyTorchStateDictStrictlyAndMatchesItsOutput(string caseName, string weights, int height, int width)
    {
        using var scope = NewDisposeScope();
        using var model = Build(caseName);
        var loaded = new Dictionary<string, bool>();
        model.load_py(ModelFixtures.File(weights + ".pth"), strict: true, loadedParameters: loaded);
        Assert.Equal(model.state_dict().Count, loaded.Count);
        Assert.All(loaded, kv => Assert.True(kv.Value, kv.Key));
        ModelFixtures.AssertMatchesPyTorch(model, caseName, height, width, Tolerance);
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet34")]
    [InlineData("resnet50")]
    [InlineData("resnet50_projector")]
    [InlineData("resnet101")]
    [InlineData("resnet152")]
    public void FullSizeResnetHasTorchvisionKeysAndShapes(string arch)
    {
        using var model = new ResnetExtractor(arch, removeFc: false);
        Assert.Equal(ModelFixtures.Manifest(arch), ModelFixtures.KeysAndShapes(model));
    }

    [Theory]
    [InlineData("vits16")]
    [InlineData("vits8")]
    [InlineData("vitb16")]
    public void FullSizeViTHasDinoKeysAndShapes(string arch)
    {
        using var model = new ViTExtractor(arch);
        Assert.Equal(ModelFixtures.Manifest(arch), ModelFixtures.KeysAndShapes(model));
    }

    [Fact]
    public void AMocoTrainingCheckpointLoadsItsQueryEncoderAsOmlDoes()
    {
        // Fixtures/models/make_moco_fixture.py: the query encoder is resnet_basic_tiny plus MoCo v2's MLP head,
        // the momentum encoder other values; OML's load_moco_weights keeps the first, remove_fc leaves out the head
        using var scope = NewDisposeScope();
        using var model = new ResnetExtractor(ModelFixtures.TinyBasic);
        ExtractorWeights.Load(model, ModelFixtures.File("moco_tiny.pth.tar"), "extractor.args.weights");
        ModelFixtures.AssertMatchesPyTorch(model, "resnet_basic_tiny", 32, 32, Tolerance);
    }

    private static Extractor Build(string caseName) => caseName switch
    {
        "resnet_basic_tiny" => new ResnetExtractor(ModelFixtures.TinyBasic),
        "resnet_basic_tiny_gem_fc" => new ResnetExtractor(ModelFixtures.TinyBasic, gemP: 3.0, removeFc: false),
        "resnet_bottleneck_tiny_gem" => new ResnetExtractor(ModelFixtures.TinyBottleneck, gemP: 5.0),
        "vit_tiny" or "vit_tiny_48x40" => new ViTExtractor(ModelFixtures.TinyViT),
        "vit_tiny_multiscale" => new ViTExtractor(ModelFixtures.TinyViT, useMultiScale: true),
        "extractor_with_mlp_tiny" => new ExtractorWithMlp(new ResnetExtractor(ModelFixtures.TinyBasic), [16, 8]),
        _ => throw new ArgumentOutOfRangeException(nameof(caseName)),
    };
}
