using Oml.Config;
using Oml.Metrics;
using Oml.Pipelines;
using Oml.Registries;
using Oml.Training;

namespace Oml.Tests.Pipelines;

/// <summary>
/// <see cref="EvaluatePipeline"/>: the same metrics as <see cref="ValidatePipeline"/> for the same embeddings and
/// postprocessor, its config read by the pipelines' loader.
/// </summary>
public sealed class EvaluatePipelineTests(TrainingFixture fixture) : IClassFixture<TrainingFixture>
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "oml-configs", name);

    [Fact]
    public void ValidateOnACheckpointAndEvaluateOnItsEmbeddingsGiveIdenticalMetrics()
    {
        using var dir = new TempDirectory();
        var checkpoint = WriteCheckpoint(dir.File("best.ckpt"));
        var config = dir.Write("val.yaml", $$$"""
            accelerator: cpu
            dataset_root: {{{fixture.DatasetRoot}}}
            dataframe_name: df.csv
            transforms_val: {name: norm_resize_torch, args: {im_size: 32}}
            bs_val: 12
            num_workers: 0
            extractor:
              name: resnet
              args: {arch: resnet18, gem_p: null, remove_fc: true, normalise_features: true, weights: {{{checkpoint}}}}
            metric_args: {cmc_top_k: [1, 5], precision_top_k: [3], map_top_k: [5], fmr_vals: [0.1], pcf_variance: [0.5]}
            log_images: false
            """);

        // the embeddings of the validation rows, as `oml predict` writes them (same transform, batch size and order as validation)
        var csv = File.ReadAllLines(Path.Combine(fixture.DatasetRoot, "df.csv"));
        var split = Array.IndexOf(csv[0].Split(','), "split");
        dir.Write("df_val.csv", string.Join('\n', [csv[0], .. csv.Skip(1).Where(l => l.Split(',')[split] == "validation")]) + "\n");
        var predicted = PredictPipeline.Run(PredictPipelineConfig.Load(config,
            [$"dataframe={dir.File("df_val.csv")}", "bs=12", "save_dir=" + dir.File("pred"), "transforms_predict={name: norm_resize_torch, args: {im_size: 32}}"]),
            cancellationToken: TestContext.Current.CancellationToken);

        var threshold = float.NaN;
        foreach (var postprocessor in new[] { null, "constant_thresholding", "k_reciprocal" })
        {
            string[] choice = postprocessor switch
            {
                null => [],
                // about half of the queries keep their nearest item: the threshold changes the metrics
                "constant_thresholding" => [$"postprocessor={postprocessor}", FormattableString.Invariant($"postprocessor.args.th={threshold:R}")],
                _ => [$"postprocessor={postprocessor}", "postprocessor.args.k1=4", "postprocessor.args.k2=2", "postprocessor.args.top_n=10"],
            };
            var validated = ValidatePipeline.Run(ValidatePipelineConfig.Load(config, [.. choice, "save_dir=" + dir.File($"val-{postprocessor}")]),
                cancellationToken: TestContext.Current.CancellationToken);
            var evaluated = EvaluatePipeline.Run(EvaluatePipelineConfig.Load(config, choice, new Dictionary<string, object?>
            {
                ["embeddings"] = predicted.EmbeddingsPath,
                ["out"] = dir.File($"eval-{postprocessor}/metrics.json"),
            }), cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal(validated.Result.Metrics.ToArray(), evaluated.Result.Metrics.ToArray());
            Assert.Equal(validated.Result.Retrieval.Retrieved, evaluated.Result.Retrieval.Retrieved);
            Assert.Equal(validated.PostprocessorName, evaluated.PostprocessorName);
            Assert.Equal(File.ReadAllText(validated.MetricsJsonPath), File.ReadAllText(evaluated.MetricsJsonPath));
            Assert.Equal(validated.Frame!.Validation.Select(r => r.Path), evaluated.Frame!.Validation.Select(r => r.Path));
            if (postprocessor is null)
            {
                threshold = evaluated.Result.Retrieval.Distances.Select(d => d[0]).Order().ElementAt(evaluated.Result.Queries / 2);
                Assert.Null(validated.WithoutPostprocessor);
                Assert.Null(evaluated.WithoutPostprocessor);
                Assert.False(File.Exists(dir.File("eval-/metrics_without_postprocessor.json")));
                continue;
            }
            Assert.Equal(validated.WithoutPostprocessor!.Metrics.ToArray(), evaluated.WithoutPostprocessor!.Metrics.ToArray());
            Assert.Equal(
                File.ReadAllText(dir.File($"val-{postprocessor}/metrics_without_postprocessor.json")),
                File.ReadAllText(dir.File($"eval-{postprocessor}/metrics_without_postprocessor.json")));
            Assert.NotEqual(evaluated.Result.Metrics.ToArray(), evaluated.WithoutPostprocessor.Metrics.ToArray());
        }
    }

    [Theory]
    [InlineData("constant_thresholding")]
    [InlineData("adaptive_thresholding")]
    [InlineData("pairwise_reranker")]
    [InlineData("k_reciprocal")]
    public void APostprocessorNameResolvesAsInValidation(string name)
    {
        using var dir = new TempDirectory();
        var config = dir.Write("val.yaml", """
            dataset_root: data
            dataframe_name: df.csv
            bs_val: 8
            transforms_val: {name: norm_resize_torch, args: {im_size: 32}}
            extractor: {name: resnet, args: {arch: resnet18, weights: null}}
            """);
        var validate = ValidatePipelineConfig.Load(config, [$"postprocessor={name}"]).Postprocessor!;
        var fromFile = EvaluatePipelineConfig.Load(config, [$"postprocessor={name}"], Embeddings()).Postprocessor!;
        var fromCommandLine = EvaluatePipelineConfig.Load(null, [$"postprocessor={name}", "dataframe=df.csv"], Embeddings()).Postprocessor!;

        foreach (var block in new[] { fromFile, fromCommandLine })
        {
            Assert.Equal(validate.Name, block.Name);
            Assert.Equal(validate.Path, block.Path);
            Assert.Equal(ConfigTree.ToInlineString(validate.Args), ConfigTree.ToInlineString(block.Args));
        }
        if (BuiltInBlocks.Exists("postprocessor", name)) Assert.NotEmpty(fromCommandLine.Args); // the built-in block's args, not {}
    }

    [Fact]
    public void OmlValidationAndTrainingConfigsAlsoEvaluateWithNotes()
    {
        var validation = EvaluatePipelineConfig.Load(Fixture("val_cars.yaml"), values: Embeddings());
        Assert.Equal(Path.Combine("data/CARS196/", "df_with_bboxes.csv"), validation.Dataframe);
        Assert.Equal("data/CARS196/", validation.DatasetRoot);
        Assert.Contains(validation.Notes, n => n.StartsWith("training and validation keys not used by evaluation: ", StringComparison.Ordinal) && n.Contains("extractor"));
        var training = EvaluatePipelineConfig.Load(Fixture("train_cars.yaml"), ["metric_args.cmc_top_k=[1,2]"], Embeddings());
        Assert.Equal([1, 2], training.MetricArgs.CmcTopK);
        Assert.Contains(training.Notes, n => n.Contains("criterion"));
    }

    [Theory]
    [InlineData(new[] { "dataframe=df.csv", "metrik_args.cmc_top_k=[1]" }, "the command line: unknown key 'metrik_args' (did you mean 'metric_args'?); valid: embeddings, dataframe")]
    [InlineData(new[] { "dataframe=df.csv", "postprocesor=k_reciprocal" }, "unknown key 'postprocesor' (did you mean 'postprocessor'?)")]
    [InlineData(new[] { "dataframe=df.csv", "metric_args.cmc_topk=[1]" }, "metric_args.cmc_topk: unknown key (did you mean 'cmc_top_k'?)")]
    [InlineData(new[] { "dataframe=df.csv", "dataframe_name=df.csv" }, "give one of dataframe (df.csv: the path of the csv) or dataframe_name (df.csv: a csv under dataset_root), not both")]
    [InlineData(new[] { "metric_args.cmc_top_k=[1]" }, "dataframe is required: the OML dataframe (df.csv)")]
    [InlineData(new[] { "dataframe=df.csv", "check_files=maybe" }, "check_files")]
    public void BadKeysAreUserErrorsNamingThePath(string[] overrides, string message)
    {
        var error = Assert.Throws<OmlException>(() => EvaluatePipelineConfig.Load(null, overrides, Embeddings()));
        Assert.Contains(message, error.Message + string.Join("\n", error.Details));
    }

    [Fact]
    public void EmbeddingsAreRequired()
    {
        var error = Assert.Throws<OmlException>(() => EvaluatePipelineConfig.Load(null, ["dataframe=df.csv"]));
        Assert.StartsWith("embeddings is required: a NumPy .npy file", error.Message);
    }

    [Fact]
    public void QueriesThatCannotBeWrongAreANoteOfTheEvaluationAndASingleLabelSplitIsRefused()
    {
        using var dir = new TempDirectory();
        // query row 2 (label 2, sequence a) can only retrieve rows 3 and 5: the label-3 item shares its sequence
        dir.Write("df.csv", """
            label,path,split,is_query,is_gallery,sequence
            2,a.jpg,validation,True,True,a
            2,b.jpg,validation,True,True,b
            3,c.jpg,validation,False,True,a
            2,d.jpg,validation,True,True,c
            """);
        Oml.IO.NpyFile.WriteMatrix(dir.File("emb.npy"), new Oml.IO.NpyArray([1, 0, 0.9f, 0.1f, 0, 1, 0.1f, 0.9f], 4, 2));
        var notes = new List<string>();
        var progress = new Progress(e => { if (e is Oml.Pipelines.Events.PipelineNote n) notes.Add(n.Message); });
        var values = new Dictionary<string, object?> { ["embeddings"] = dir.File("emb.npy"), ["dataframe"] = dir.File("df.csv"), ["out"] = dir.File("metrics.json") };
        EvaluatePipeline.Run(EvaluatePipelineConfig.Load(null, [], values), progress, TestContext.Current.CancellationToken);
        Assert.Contains("dataset: row 2, column 'label': 1 of 3 validation queries have no possible wrong answer: every gallery item they can retrieve has their label " +
                        "(label (queries): 2 (1); row 2); they count as correct whatever the model, which lifts cmc, precision and map", notes);

        File.WriteAllText(dir.File("df.csv"), File.ReadAllText(dir.File("df.csv")).Replace("3,", "2,", StringComparison.Ordinal));
        var single = Assert.Throws<OmlException>(() => EvaluatePipeline.Run(EvaluatePipelineConfig.Load(null, [], values), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("the validation split has a single label, 2", string.Join("\n", single.Details));
    }

    private sealed class Progress(Action<Oml.Pipelines.Events.PipelineEvent> onEvent) : IProgress<Oml.Pipelines.Events.PipelineEvent>
    {
        public void Report(Oml.Pipelines.Events.PipelineEvent value) => onEvent(value);
    }

    private static Dictionary<string, object?> Embeddings() => new() { ["embeddings"] = "emb.npy" };

    /// <summary>A checkpoint of <c>oml train</c>'s format holding a randomly initialised extractor of the config's kind.</summary>
    private static string WriteCheckpoint(string path)
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var args = BlockArgs.From("extractor.args", ("arch", "resnet18"), ("gem_p", null), ("remove_fc", true), ("normalise_features", true));
        using var extractor = Registry.Extractors.Create("resnet", args);
        using var criterion = new Oml.Losses.TripletLossWithMiner(0.2);
        using var optimizer = optim.Adam(extractor.parameters(), 1e-3);
        TrainingCheckpoint.Save(path, new CheckpointState
        {
            EpochsCompleted = 1, GlobalStep = 1, Seed = 5, MonitoredMetric = "OVERALL/cmc/1", Mode = "max",
            ExtractorName = "resnet", ExtractorArgs = new() { ["arch"] = "resnet18", ["remove_fc"] = true, ["normalise_features"] = true },
        }, extractor, criterion, optimizer);
        return path;
    }
}
