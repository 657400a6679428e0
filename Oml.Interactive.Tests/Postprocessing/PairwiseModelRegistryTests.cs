using Oml.Config;
using Oml.Models;
using Oml.Postprocessing;
using Oml.Registries;
using Oml.Tests.Infrastructure;
using Oml.Weights;
using static TorchSharp.torch;

namespace Oml.Tests.Postprocessing;

/// <summary>
/// The pairwise models of <c>postprocessor.args.pairwise_model</c> built from config blocks: OML's names, defaults and
/// built-in blocks, nested extractor blocks, weights, and the check that validation re-ranks with a trained model.
/// </summary>
public sealed class PairwiseModelRegistryTests
{
    private static readonly Dictionary<string, object?> Resnet18 = Map(("name", "resnet"), ("args", Map(("arch", "resnet18"), ("weights", null))));

    [Fact]
    public void ConcatSiameseHasOmlsDefaultsAndBuildsItsExtractorBlock()
    {
        using var model = Assert.IsType<ConcatSiamese>(Create("concat_siamese", ("extractor", Resnet18)));
        Assert.Equal([20, 20], model.MlpHiddenDims);
        Assert.False(model.UseTta);
        Assert.Equal(PairwiseInput.Images, model.Input);
        var backbone = Assert.IsType<ResnetExtractor>(model.Backbone);
        Assert.Equal(512, backbone.FeatDim);

        using var custom = Assert.IsType<ConcatSiamese>(Create("concat_siamese", ("extractor", Resnet18), ("mlp_hidden_dims", new List<object?> { 192L }), ("use_tta", true)));
        Assert.Equal([192], custom.MlpHiddenDims);
        Assert.True(custom.UseTta);
        Assert.Equal(["head.0.bias", "head.0.weight", "head.3.weight"], custom.state_dict().Keys.Where(k => k.StartsWith("head.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ConcatSiameseLoadsItsWeightsThroughTheBlock()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDirectory();
        manual_seed(3);
        using var trained = Assert.IsType<ConcatSiamese>(Create("concat_siamese", ("extractor", Resnet18), ("mlp_hidden_dims", new List<object?> { 8L })));
        var checkpoint = PairwiseFixtures.WriteCheckpoint(dir.File("best.ckpt"), trained, CheckpointFile.PairwiseModelEntry);
        using var loaded = Assert.IsType<ConcatSiamese>(Create("concat_siamese", ("extractor", Resnet18), ("mlp_hidden_dims", new List<object?> { 8L }), ("weights", checkpoint)));
        var expected = trained.state_dict();
        foreach (var (key, value) in loaded.state_dict()) Assert.True(value.equal(expected[key]).all().item<bool>(), key);

        var e = Assert.Throws<OmlException>(() => Create("concat_siamese", ("extractor", Resnet18), ("weights", checkpoint)));
        Assert.StartsWith("postprocessor.args.pairwise_model.args.weights: ", e.Message);
        Assert.Contains("head.0.weight: checkpoint [8, 512] vs model [20, 512]", string.Join("\n", e.Details));
    }

    [Fact]
    public void TrivialDistanceSiameseTakesAnOptionalExtractor()
    {
        using var onImages = Assert.IsType<TrivialDistanceSiamese>(Create("trivial_distance_siamese", ("extractor", Resnet18), ("output_bias", 0.5)));
        Assert.Equal(PairwiseInput.Images, onImages.Input);
        Assert.IsType<ResnetExtractor>(onImages.Backbone);
        Assert.Equal(0.5f, onImages.OutputBias);
        using var onEmbeddings = Assert.IsType<TrivialDistanceSiamese>(Create("trivial_distance_siamese"));
        Assert.Equal(PairwiseInput.Embeddings, onEmbeddings.Input);
        using var linear = Assert.IsType<LinearSiamese>(Create("linear_siamese", ("feat_dim", 4L)));
        Assert.Equal(PairwiseInput.Embeddings, linear.Input);
    }

    [Fact]
    public void OmlsBuiltInPairwiseRerankerBlockBuildsAndItsMocoWeightsFitItsExtractor()
    {
        var block = BuiltInBlocks.TryLoad("postprocessor", "pairwise_reranker")!;
        var extractor = ConfigBlock.FromValue(Nested(block, "args", "pairwise_model", "args")["extractor"], "postprocessor.args.pairwise_model.args.extractor")!;
        Assert.Equal("resnet50_moco_v2", extractor.Args["weights"]);
        Assert.Empty(ExtractorBlock.WeightsProblems(extractor));

        Nested(block, "args", "pairwise_model", "args", "extractor", "args")["weights"] = null;
        var reranker = Assert.IsType<PairwiseReranker>(PostprocessorBlock.Create(block));
        Assert.Equal(3, reranker.TopN);
        Assert.Equal(4, reranker.BatchSize);
        using var model = Assert.IsType<TrivialDistanceSiamese>(reranker.PairwiseModel);
        Assert.Equal(PairwiseInput.Images, model.Input);
        var backbone = Assert.IsType<ResnetExtractor>(model.Backbone);
        Assert.Equal(2048, backbone.FeatDim); // resnet50_projector without its fc
        Assert.Equal(7.0, backbone.GemP);

        var concat = BuiltInBlocks.TryLoad("pairwise_model", "concat_siamese")!;
        Nested(concat, "args", "extractor", "args")["weights"] = null;
        var parsed = ConfigBlock.Parse(concat, "postprocessor.args.pairwise_model", "pairwise model", Registry.PairwiseModels.Names);
        using var siamese = Assert.IsType<ConcatSiamese>(Registry.PairwiseModels.Create(parsed.Name, parsed.CreateArgs()));
        Assert.True(siamese.UseTta); // OML's block config turns it on
        Assert.Equal([20, 20], siamese.MlpHiddenDims);
    }

    [Theory]
    [InlineData("concat_siamese", "mlp_hiden_dims", "postprocessor.args.pairwise_model.args.mlp_hiden_dims: unknown key (did you mean 'mlp_hidden_dims'?)")]
    [InlineData("concat_siamese", "use_tt", "postprocessor.args.pairwise_model.args.use_tt: unknown key (did you mean 'use_tta'?)")]
    [InlineData("trivial_distance_siamese", "output_bais", "postprocessor.args.pairwise_model.args.output_bais: unknown key (did you mean 'output_bias'?)")]
    public void UnknownArgumentsAreErrorsWithDidYouMean(string name, string key, string detail)
    {
        var e = Assert.Throws<OmlException>(() => Create(name, ("extractor", Resnet18), (key, 1L)));
        Assert.Contains(detail, e.Details);
    }

    [Fact]
    public void BadConcatSiameseBlocksAreUserErrors()
    {
        Assert.Contains("postprocessor.args.pairwise_model.args.extractor is required",
            Assert.Throws<OmlException>(() => Create("concat_siamese")).Message);
        var both = Map(("name", "resnet"), ("args", Map(("arch", "resnet18"), ("weights", "resnet50_moco_v2"))));
        Assert.Contains("postprocessor.args.pairwise_model.args.weights and postprocessor.args.pairwise_model.args.extractor.args.weights are both set",
            Assert.Throws<OmlException>(() => Create("concat_siamese", ("extractor", both), ("weights", "best.ckpt"))).Message);
        Assert.Contains("postprocessor.args.pairwise_model.args.weights: the weights file missing.ckpt does not exist",
            Assert.Throws<OmlException>(() => Create("concat_siamese", ("extractor", Resnet18), ("weights", "missing.ckpt"))).Message);
        var nested = Map(("name", "resnet"), ("args", Map(("arch", "resnet18"), ("gem", 3.0))));
        Assert.Contains("postprocessor.args.pairwise_model.args.extractor.args.gem: unknown key",
            string.Join("\n", Assert.Throws<OmlException>(() => Create("concat_siamese", ("extractor", nested))).Details));
    }

    [Fact]
    public void ValidationRequiresATrainedConcatSiamese()
    {
        ConfigBlock Reranker(Dictionary<string, object?> pairwiseModel) =>
            new("pairwise_reranker", Map(("top_n", 5L), ("pairwise_model", pairwiseModel)), "postprocessor");

        var untrained = Reranker(Map(("name", "concat_siamese"), ("args", Map(("extractor", Resnet18), ("weights", null)))));
        var e = Assert.Throws<OmlException>(() => PostprocessorBlock.RequireTrainedPairwiseModel(untrained));
        Assert.Equal("postprocessor.args.pairwise_model.args.weights is null: an untrained concat_siamese head re-ranks at random. " +
                     "Train one with oml train-postprocessor and give its best.ckpt as postprocessor.args.pairwise_model.args.weights " +
                     "(or an OML checkpoint of a ConcatSiamese)", e.Message);
        Assert.Throws<OmlException>(() => PostprocessorBlock.RequireTrainedPairwiseModel(Reranker(Map(("name", "concat_siamese"), ("args", Map(("extractor", Resnet18))))))); // weights left out

        PostprocessorBlock.RequireTrainedPairwiseModel(null);
        PostprocessorBlock.RequireTrainedPairwiseModel(new ConfigBlock("k_reciprocal", Map(), "postprocessor"));
        PostprocessorBlock.RequireTrainedPairwiseModel(Reranker(Map(("name", "concat_siamese"), ("args", Map(("weights", "best.ckpt"))))));
        PostprocessorBlock.RequireTrainedPairwiseModel(Reranker(Map(("name", "trivial_distance_siamese"), ("args", Map(("extractor", Resnet18))))));
    }

    private static IPairwiseModel Create(string name, params (string Key, object? Value)[] args) =>
        Registry.PairwiseModels.Create(name, BlockArgs.From("postprocessor.args.pairwise_model.args", args));

    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries) => entries.ToDictionary(e => e.Key, e => e.Value);

    private static Dictionary<string, object?> Nested(Dictionary<string, object?> map, params string[] keys)
    {
        foreach (var key in keys) map = (Dictionary<string, object?>)map[key]!;
        return map;
    }
}
