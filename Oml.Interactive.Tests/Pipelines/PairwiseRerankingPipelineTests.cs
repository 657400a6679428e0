using Oml.Models;
using Oml.Pipelines;
using Oml.Postprocessing;
using Oml.Registries;
using Oml.Tests.Infrastructure;
using Oml.Tests.Postprocessing;
using Oml.Weights;
using static TorchSharp.torch;

namespace Oml.Tests.Pipelines;

/// <summary>
/// Re-ranking on images in the pipelines: <c>oml validate</c> and the validation of <c>oml train</c> hand the
/// validation images to the pairwise model, <c>oml evaluate</c> (embeddings only) refuses a model on images, and an
/// untrained concat_siamese is refused in validation.
/// </summary>
public sealed class PairwiseRerankingPipelineTests(TrainingFixture fixture) : IClassFixture<TrainingFixture>
{
    private const string Resnet = "{name: resnet, args: {arch: resnet18, gem_p: null, remove_fc: true, normalise_features: true, weights: WEIGHTS}}";

    private string ValidateConfig(TempDirectory dir, string weights, string pairwiseModel, int topN = 4) => dir.Write("val.yaml", $$$"""
        accelerator: cpu
        dataset_root: {{{fixture.DatasetRoot}}}
        dataframe_name: df.csv
        transforms_val: {name: norm_resize_torch, args: {im_size: 32}}
        bs_val: 16
        num_workers: 0
        extractor: {{{Resnet.Replace("WEIGHTS", weights, StringComparison.Ordinal)}}}
        metric_args: {cmc_top_k: [1, {{{topN}}}], map_top_k: [5], fmr_vals: [], pcf_variance: []}
        postprocessor:
          name: pairwise_reranker
          args:
            top_n: {{{topN}}}
            batch_size: 5
            pairwise_model: {{{pairwiseModel}}}
        log_images: false
        save_dir: {{{dir.File("val")}}}
        """);

    /// <summary>A random resnet18 (normalised features) saved as a PyTorch file, so that two blocks build the same extractor.</summary>
    private static string SaveExtractor(string path)
    {
        manual_seed(21);
        using var extractor = new ResnetExtractor("resnet18", normalisation: FeatureNormalisation.L2);
        ModuleWeights.Save(extractor, path);
        return path;
    }

    [Fact]
    public void ValidateRerankingWithTheRetrievalExtractorOnImagesKeepsTheRetrieval()
    {
        using var dir = new TempDirectory();
        var weights = SaveExtractor(dir.File("extractor.pth"));
        var model = "{name: trivial_distance_siamese, args: {extractor: " + Resnet.Replace("WEIGHTS", weights, StringComparison.Ordinal) + "}}";

        var result = ValidatePipeline.Run(ValidatePipelineConfig.Load(ValidateConfig(dir, weights, model)), cancellationToken: TestContext.Current.CancellationToken);

        // the model recomputes the distances of the top 4 from the validation images: they are the retrieval's own
        var plain = result.WithoutPostprocessor!.Retrieval;
        var reranked = result.Result.Retrieval;
        for (var q = 0; q < plain.QueryCount; q++)
        {
            Assert.Equal(plain.Retrieved[q][..4].Order(), reranked.Retrieved[q][..4].Order());
            for (var i = 0; i < 4; i++) Assert.Equal(plain.Distances[q][i], reranked.Distances[q][i], 1e-4f);
            for (var i = 0; i < 4; i++)
            {
                var clearlyApart = (i == 0 || plain.Distances[q][i] - plain.Distances[q][i - 1] > 1e-4f) && (i == 3 || plain.Distances[q][i + 1] - plain.Distances[q][i] > 1e-4f);
                if (clearlyApart) Assert.Equal(plain.Retrieved[q][i], reranked.Retrieved[q][i]);
            }
            Assert.Equal(plain.Retrieved[q][4..], reranked.Retrieved[q][4..]);
        }
    }

    [Fact]
    public void ValidateWithATrainedConcatSiameseReranksTheTopOnly()
    {
        using var dir = new TempDirectory();
        var weights = SaveExtractor(dir.File("extractor.pth"));
        manual_seed(22);
        using var trained = new ConcatSiamese(new ResnetExtractor("resnet18"), [8]);
        var checkpoint = PairwiseFixtures.WriteCheckpoint(dir.File("best.ckpt"), trained, CheckpointFile.PairwiseModelEntry);
        var model = $"{{name: concat_siamese, args: {{mlp_hidden_dims: [8], use_tta: true, weights: {checkpoint}, " +
                    "extractor: {name: resnet, args: {arch: resnet18, weights: null}}}}";

        var result = ValidatePipeline.Run(ValidatePipelineConfig.Load(ValidateConfig(dir, weights, model, topN: 5)), cancellationToken: TestContext.Current.CancellationToken);

        var plain = result.WithoutPostprocessor!;
        Assert.Equal(plain.Metrics["OVERALL/cmc/5"], result.Result.Metrics["OVERALL/cmc/5"]);
        var changed = 0;
        for (var q = 0; q < plain.Retrieval.QueryCount; q++)
        {
            Assert.Equal(plain.Retrieval.Retrieved[q][..5].Order(), result.Result.Retrieval.Retrieved[q][..5].Order());
            Assert.Equal(plain.Retrieval.Retrieved[q][5..], result.Result.Retrieval.Retrieved[q][5..]);
            changed += plain.Retrieval.Retrieved[q].SequenceEqual(result.Result.Retrieval.Retrieved[q]) ? 0 : 1;
        }
        Assert.True(changed > 0, "the model's own scores should reorder some query");
    }

    [Fact]
    public void ValidateRefusesAnUntrainedConcatSiamese()
    {
        using var dir = new TempDirectory();
        var model = "{name: concat_siamese, args: {extractor: {name: resnet, args: {arch: resnet18, weights: null}}}}";
        var config = ValidatePipelineConfig.Load(ValidateConfig(dir, "null", model));
        var e = Assert.Throws<OmlException>(() => ValidatePipeline.Run(config, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("postprocessor.args.pairwise_model.args.weights is null: an untrained concat_siamese head re-ranks at random", e.Message);
        Assert.Contains("oml train-postprocessor", e.Message);
    }

    [Fact]
    public void TrainingValidationRefusesAnUntrainedConcatSiamese()
    {
        using var dir = new TempDirectory();
        var yaml = fixture.Config(dir.File("logs"), """
            postprocessor:
              name: pairwise_reranker
              args:
                top_n: 3
                pairwise_model: {name: concat_siamese, args: {extractor: {name: resnet, args: {arch: resnet18, weights: null}}}}
            """);
        var config = TrainPipelineConfig.Load(dir.Write("train.yaml", yaml));
        var e = Assert.Throws<OmlException>(() => TrainPipeline.Run(config, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("an untrained concat_siamese head re-ranks at random", e.Message);
    }

    [Fact]
    public void EvaluateRefusesAModelOnImages()
    {
        using var dir = new TempDirectory();
        var model = "{name: trivial_distance_siamese, args: {extractor: {name: resnet, args: {arch: resnet18, weights: null}}}}";
        var config = EvaluatePipelineConfig.Load(ValidateConfig(dir, "null", model), values: new Dictionary<string, object?> { ["embeddings"] = dir.File("missing.npy") });
        var e = Assert.Throws<OmlException>(() => EvaluatePipeline.Run(config, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("no images were given", e.Message);
        Assert.Contains("oml evaluate has only embeddings", e.Message);
    }
}
