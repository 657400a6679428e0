using System.Text.Json;
using Oml.Tests.Pipelines;
using Oml.Training;

namespace Oml.Tests.Cli;

/// <summary>
/// OML's postprocessor pipeline end to end through the real <c>oml</c> process: a <c>concat_siamese</c> on image pairs
/// trained by <c>oml train-postprocessor</c>, then used by <c>oml validate</c> as its re-ranker.
/// </summary>
public sealed class CliTrainPostprocessorTests(TrainingFixture fixture) : TempDirectoryTest, IClassFixture<TrainingFixture>
{
    private const string ConcatSiamese = """
          name: concat_siamese
          args:
            mlp_hidden_dims: [16]
            extractor:
              name: resnet
              args: {arch: resnet18, gem_p: null, remove_fc: true, normalise_features: false, weights: null}
        """;

    [Fact]
    public void ATrainedConcatSiameseReRanksInValidation()
    {
        var config = Dir.Write("pp.yaml", fixture.PostprocessorConfig(Dir.File("logs"), Dir.File("cache"), ConcatSiamese.TrimEnd()));

        var train = CliRunner.Run(Dir.Path, "train-postprocessor", config, "max_epochs=2");
        Assert.True(train.ExitCode == 0, train.All);
        Assert.Contains("the extractor alone (before re-ranking): OVERALL/cmc/1 = ", train.Output);
        Assert.Contains("extractor alone", train.Output);
        var best = Path.Combine(Dir.File("logs"), "run", "checkpoints", "best.ckpt");
        Assert.Equal("concat_siamese", TrainingCheckpoint.ReadState(best).ExtractorName);
        Assert.Contains($"postprocessor.args.pairwise_model.args.weights={best}", train.Output);

        var validateConfig = Dir.Write("validate.yaml", fixture.Config(Dir.File("unused")));
        string[] reranker =
        [
            "postprocessor={name: pairwise_reranker, args: {top_n: 3, batch_size: 16, pairwise_model: {name: concat_siamese, args: {mlp_hidden_dims: [16], " +
            "extractor: {name: resnet, args: {arch: resnet18, gem_p: null, remove_fc: true, normalise_features: false, weights: null}}}}}}",
        ];
        var untrained = CliRunner.Run(Dir.Path, ["validate", validateConfig, "save_dir=untrained", .. reranker]);
        Assert.Equal(2, untrained.ExitCode);
        Assert.Contains("oml train-postprocessor", untrained.All);

        var validate = CliRunner.Run(Dir.Path, ["validate", validateConfig, "save_dir=val", .. reranker, $"postprocessor.args.pairwise_model.args.weights={best}"]);
        Assert.True(validate.ExitCode == 0, validate.All);
        Assert.Contains("without postprocessor", validate.Output);
        using var plain = JsonDocument.Parse(File.ReadAllText(Dir.File("val/metrics_without_postprocessor.json")));
        using var reranked = JsonDocument.Parse(File.ReadAllText(Dir.File("val/metrics.json")));
        // re-ranking the top 3 permutes them only: what is in the top 5 stays
        Assert.Equal(plain.RootElement.GetProperty("OVERALL/cmc/5").GetDouble(), reranked.RootElement.GetProperty("OVERALL/cmc/5").GetDouble());
    }
}
