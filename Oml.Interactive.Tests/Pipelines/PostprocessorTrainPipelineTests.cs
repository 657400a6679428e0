using Oml.Pipelines;
using Oml.Pipelines.Events;
using Oml.Training;
using Oml.Weights;

namespace Oml.Tests.Pipelines;

/// <summary>
/// <c>oml train-postprocessor</c> (OML's <c>train_postprocessor.py</c>) on the small mock set, with a
/// <c>linear_siamese</c> on the cached embeddings so that a run takes seconds; the image models are tested end to end
/// through the CLI.
/// </summary>
public sealed class PostprocessorTrainPipelineTests(TrainingFixture fixture) : TempDirectoryTest, IClassFixture<TrainingFixture>
{
    private static string OmlConfig(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "oml-configs", name);

    /// <summary>The extractor is a seeded random resnet18 (no weights file), the pairwise model a linear siamese over its 512-d embeddings.</summary>
    private string Config(string extra = "") => Dir.Write($"pp_{Guid.NewGuid():N}.yaml", fixture.PostprocessorConfig(Dir.File("logs"), Dir.File("cache"),
        "  name: linear_siamese\n  args: {feat_dim: 512, identity_init: true}", extra));

    private static TrainRunResult Run(TrainPipelineConfig config, IProgress<PipelineEvent>? events = null) =>
        TrainPipeline.Run(config, events, TestContext.Current.CancellationToken);

    private sealed class Events : IProgress<PipelineEvent>
    {
        public List<PipelineEvent> All { get; } = [];

        public void Report(PipelineEvent value) => All.Add(value);
    }

    [Fact]
    public void ATrainedPairwiseModelIsCheckpointedWithTheExtractorAloneAsItsBaseline()
    {
        var events = new Events();
        using var result = Run(TrainPipelineConfig.LoadPostprocessor(Config()), events);

        Assert.Equal(3, result.EpochsCompleted);
        Assert.NotNull(result.PairwiseModel);
        Assert.Null(result.Extractor);
        Assert.NotNull(result.Baseline);
        Assert.Equal(result.Baseline!.Metrics.Keys.Order(), result.LastMetrics.Keys.Order());
        // re-ranking the top 3 cannot change what is in the top 3
        Assert.Equal(result.Baseline.Metrics["OVERALL/cmc/3"], result.LastMetrics["OVERALL/cmc/3"]);
        foreach (var checkpoint in new[] { result.BestCheckpoint!, result.LastCheckpoint! })
        {
            using var zip = CheckpointFile.Open(checkpoint);
            Assert.NotNull(zip.GetEntry(CheckpointFile.PairwiseModelEntry));
            Assert.Null(zip.GetEntry(CheckpointFile.ExtractorEntry));
            Assert.Equal("linear_siamese", TrainingCheckpoint.ReadState(checkpoint).ExtractorName);
        }
        var steps = events.All.OfType<TrainStepCompleted>().ToArray();
        Assert.NotEmpty(steps);
        Assert.All(steps, s => Assert.True(s.Logs["pairs"] > 0 && s.Logs["negative_pairs"] > 0));
        Assert.Contains(events.All.OfType<PipelineNote>(), n => n.Message.StartsWith("the extractor alone", StringComparison.Ordinal));
        Assert.Equal(2, Directory.GetFiles(Dir.File("cache"), "emb_*.npy").Length);
    }

    [Fact]
    public void TheSecondRunReadsTheEmbeddingsFromTheCacheAndAChangedExtractorDoesNot()
    {
        using (Run(TrainPipelineConfig.LoadPostprocessor(Config(), ["max_epochs=1", "logs_folder=first"]))) { }
        var events = new Events();
        using (Run(TrainPipelineConfig.LoadPostprocessor(Config(), ["max_epochs=1", "logs_folder=second"]), events)) { }
        var started = events.All.OfType<RunStarted>().Single();
        Assert.Equal(2, started.Notes.Count(n => n.Contains("read from the cache", StringComparison.Ordinal)));

        events = new Events();
        using (Run(TrainPipelineConfig.LoadPostprocessor(Config(), ["max_epochs=1", "logs_folder=third", "extractor.args.gem_p=3.0"]), events)) { }
        Assert.DoesNotContain(events.All.OfType<RunStarted>().Single().Notes, n => n.Contains("read from the cache", StringComparison.Ordinal));
        Assert.Equal(4, Directory.GetFiles(Dir.File("cache"), "emb_*.npy").Length);
    }

    [Fact]
    public void AResumedRunEndsWithTheSameModelAsAnUninterruptedOne()
    {
        using var straight = Run(TrainPipelineConfig.LoadPostprocessor(Config(), ["logs_folder=straight"]));
        using (Run(TrainPipelineConfig.LoadPostprocessor(Config(), ["logs_folder=stopped", "max_epochs=1"]))) { }
        var last = Path.Combine(Dir.File("logs"), "stopped", "checkpoints", "last.ckpt");
        using var resumed = Run(TrainPipelineConfig.LoadPostprocessor(Config(), [$"resume={last}"]));

        Assert.Equal(3, resumed.EpochsCompleted);
        var a = ((nn.Module)straight.PairwiseModel!).named_parameters().ToArray();
        var b = ((nn.Module)resumed.PairwiseModel!).named_parameters().ToArray();
        Assert.Equal(a.Length, b.Length);
        foreach (var ((name, pa), (_, pb)) in a.Zip(b)) Assert.True(pa.allclose(pb, 0, 0), $"{name} differs after resume");
        Assert.Equal(straight.History.Select(h => h.MeanLoss), resumed.History.Select(h => h.MeanLoss));
    }

    [Theory]
    [InlineData("criterion={name: triplet, args: {}}", "criterion: the postprocessor pipeline trains its pairwise model with binary cross-entropy")]
    [InlineData("postprocessor=null", "postprocessor is required: the pairwise_reranker")]
    [InlineData("postprocessor=k_reciprocal", "postprocessor.name = k_reciprocal: the postprocessor pipeline trains the model of a pairwise_reranker")]
    [InlineData("sampler=null", "sampler is required: pairs are mined from batches")]
    [InlineData("postprocessor.args.pairwise_model={name: linear_siamese, args: {feat_dim: 512, identity_init: false}}", "pairwise_model and postprocessor.args.pairwise_model differ")]
    [InlineData("transforms_extraction=null", "transforms_extraction is required")]
    public void ConfigMistakesAreClearErrors(string change, string expected)
    {
        var error = Assert.Throws<OmlException>(() => TrainPipelineConfig.LoadPostprocessor(Config(), [change]));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void APairwiseModelWithNothingToTrainIsAClearError()
    {
        var error = Assert.Throws<OmlException>(() => Run(TrainPipelineConfig.LoadPostprocessor(Config(),
            ["pairwise_model={name: trivial_distance_siamese, args: {}}"])));
        Assert.Contains("has nothing to train (no parameters)", error.Message);
    }

    [Fact]
    public void ResumingFromAnExtractorCheckpointIsAClearError()
    {
        var extractorRun = Dir.Write("train.yaml", fixture.Config(Dir.File("extractor_logs")));
        using (Run(TrainPipelineConfig.Load(extractorRun, ["max_epochs=1"]))) { }
        var last = Path.Combine(Dir.File("extractor_logs"), "run", "checkpoints", "last.ckpt");

        var error = Assert.Throws<OmlException>(() => Run(TrainPipelineConfig.LoadPostprocessor(Config(), [$"resume={last}"])));
        Assert.Contains("this checkpoint holds an extractor (written by oml train)", error.Message);
    }

    [Fact]
    public void OmlsPostprocessorTrainConfigReadsUnchangedWithLocalPaths()
    {
        var config = TrainPipelineConfig.LoadPostprocessor(OmlConfig("postprocessor_train.yaml"),
            ["dataset_root=data/mock", "logs_root=logs", "extractor_weights=best.ckpt"]);

        Assert.Equal("concat_siamese", config.Pairwise!.PairwiseModel.Name);
        Assert.Equal("postprocessor.args.pairwise_model", config.Pairwise.PairwiseModel.Path);
        Assert.Equal("best.ckpt", ((IReadOnlyDictionary<string, object?>)config.Pairwise.PairwiseModel.Args["extractor"]!)["args"] is IReadOnlyDictionary<string, object?> args ? args["weights"] : null);
        Assert.True(config.Pairwise.HardPairsMining);
        Assert.Equal("data/mock", config.Pairwise.EmbeddingsCacheDir);
        Assert.Equal("norm_resize_hypvit_torch", config.TransformsVal.Name);
        Assert.Equal(128, config.BatchSizeVal);
        Assert.Equal(3, config.FreezeNEpochs);
        Assert.Null(config.Criterion);
        Assert.Equal("balance", config.Sampler!.Name);
        Assert.Contains(config.Notes, n => n.StartsWith("logger: wandb", StringComparison.Ordinal));
    }
}
