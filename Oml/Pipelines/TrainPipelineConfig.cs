using Oml.Config;
using Oml.Metrics;
using Oml.Optimization;
using Oml.Registries;

namespace Oml.Pipelines;

/// <summary>
/// Every key that OML's training pipeline reads (<c>oml/lightning/pipelines/train.py: extractor_training_pipeline</c>
/// and the <c>parse_*</c> functions of <c>oml/lightning/pipelines/parser.py</c>), with OML's defaults and required keys,
/// plus <c>resume</c>. Unknown top-level keys are an error with a "did you mean"; keys that only make sense for
/// Hydra, Lightning or online loggers are accepted and reported in <see cref="Notes"/>.
/// </summary>
public sealed record TrainPipelineConfig
{
    public required int Seed { get; init; }
    public required EngineSettings Engine { get; init; }

    /// <summary>What training's validation reads, parsed as <c>oml validate</c> parses it.</summary>
    public required ValidationSettings Validation { get; init; }

    public string DatasetRoot => Validation.DatasetRoot;
    public string DataframeName => Validation.DataframeName;
    public ConfigBlock TransformsVal => Validation.TransformsVal;
    public int NumWorkers => Validation.NumWorkers;
    public int BatchSizeVal => Validation.BatchSizeVal;
    public ConfigBlock Extractor => Validation.Extractor;
    public MetricArgs MetricArgs => Validation.MetricArgs;
    public ConfigBlock? Postprocessor => Validation.Postprocessor;
    public bool LogImages => Validation.LogImages;
    public long MaxImagePixels => Validation.MaxImagePixels;
    public required ConfigBlock TransformsTrain { get; init; }
    public int CacheSize { get; init; }
    /// <summary>
    /// <c>tensor_cache_mb</c>: memory for transformed images kept after their first load (validation first, then train,
    /// each split whole or not at all, only for transforms without randomness); 0 keeps none.
    /// </summary>
    public int TensorCacheMb { get; init; } = DefaultTensorCacheMb;
    public const int DefaultTensorCacheMb = 1024;
    public bool ShowDatasetWarnings { get; init; } = true;
    public ConfigBlock? Sampler { get; init; }
    public int? BatchSizeTrain { get; init; }
    /// <summary>The loss block; null when training a pairwise model (<see cref="Pairwise"/>), whose loss is BCE on pairs.</summary>
    public ConfigBlock? Criterion { get; init; }

    /// <summary>Set when this config trains a postprocessor's pairwise model (<c>oml train-postprocessor</c>), not an extractor.</summary>
    public PairwiseTrainingSettings? Pairwise { get; init; }
    public required ConfigBlock Optimizer { get; init; }
    public SchedulingConfig? Scheduling { get; init; }
    public int FreezeNEpochs { get; init; }
    public required int MaxEpochs { get; init; }
    public required int ValidPeriod { get; init; }
    public required string MetricForCheckpointing { get; init; }
    public CheckpointMode ModeForCheckpointing { get; init; } = CheckpointMode.Max;
    public TimeSpan? MaxTime { get; init; }
    public int? LimitTrainBatches { get; init; }
    public required RunLogSettings Logs { get; init; }
    public string? Resume { get; init; }

    /// <summary>The composed config as loaded (written to the run folder as <c>config.yaml</c>).</summary>
    public required IReadOnlyDictionary<string, object?> Values { get; init; }

    public IReadOnlyList<string> Notes { get; init; } = [];

    public static TrainPipelineConfig Load(string path, IEnumerable<string>? overrides = null, DateTime? now = null)
    {
        var time = now ?? DateTime.Now;
        var loaded = ConfigLoader.Load(path, overrides, time);
        return From(loaded, time);
    }

    /// <summary>
    /// A config of OML's postprocessor training pipeline (<c>postprocessor_train.yaml</c>): the keys of <c>oml train</c>
    /// without <c>criterion</c>, <c>transforms_extraction</c> and <c>batch_size_inference</c> in place of
    /// <c>transforms_val</c> and <c>bs_val</c>, plus <c>pairwise_model</c>, <c>hard_pairs_mining</c> and
    /// <c>embeddings_cache_dir</c>; <c>postprocessor</c> (a <c>pairwise_reranker</c>) and <c>sampler</c> are required.
    /// </summary>
    public static TrainPipelineConfig LoadPostprocessor(string path, IEnumerable<string>? overrides = null, DateTime? now = null)
    {
        var time = now ?? DateTime.Now;
        return FromPostprocessor(ConfigLoader.Load(path, overrides, time), time);
    }

    public static TrainPipelineConfig FromPostprocessor(LoadedConfig loaded, DateTime now) => Parse(loaded, now, out _, pairwise: true);

    /// <summary>
    /// Every top-level key this config reads, taken from the parser itself (each getter records its key, present or
    /// not) on the smallest complete config: what <c>oml validate</c> knows to be training-only.
    /// </summary>
    public static IReadOnlySet<string> Keys => KnownKeys.Value;

    private static readonly Lazy<IReadOnlySet<string>> KnownKeys = new(() =>
    {
        static Dictionary<string, object?> Block(string name, params (string Key, object? Value)[] args) =>
            new() { ["name"] = name, ["args"] = args.ToDictionary(a => a.Key, a => a.Value) };
        var smallest = new Dictionary<string, object?>
        {
            ["seed"] = 0, ["dataset_root"] = ".", ["dataframe_name"] = "df.csv", ["transforms_train"] = Block("augs_torch"),
            ["transforms_val"] = Block("norm_resize_torch"), ["sampler"] = null, ["bs_train"] = 2, ["bs_val"] = 2,
            ["num_workers"] = 0, ["extractor"] = Block("resnet"), ["criterion"] = Block("triplet"), ["optimizer"] = Block("adam", ("lr", 1e-4)),
            ["max_epochs"] = 1, ["valid_period"] = 1, ["metric_for_checkpointing"] = "OVERALL/cmc/1",
        };
        Parse(new LoadedConfig(smallest, "the smallest training config", []), DateTime.UnixEpoch, out var keys);
        return keys;
    });

    public static TrainPipelineConfig From(LoadedConfig loaded, DateTime now) => Parse(loaded, now, out _);

    private static TrainPipelineConfig Parse(LoadedConfig loaded, DateTime now, out IReadOnlySet<string> keysRead, bool pairwise = false)
    {
        var root = new BlockArgs(loaded.Values, "");
        var notes = new List<string>(loaded.Notes);

        var engine = EngineSettings.Read(root);
        notes.AddRange(engine.Notes);
        var logs = RunLogSettings.Read(root, now);
        notes.AddRange(logs.Notes);

        var sampler = root.GetBlock("sampler");
        if (pairwise && sampler is null)
        {
            throw new OmlException("sampler is required: pairs are mined from batches of several labels with several images each, e.g. {name: balance, args: {n_labels: 8, n_instances: 4}}");
        }
        if (!loaded.Values.ContainsKey("sampler"))
        {
            throw new OmlException("sampler is required: a batch sampler block such as {name: balance, args: {n_labels: 8, n_instances: 4}}, or null with bs_train for random batches");
        }
        var bsTrain = root.GetNullableInt("bs_train");
        if (sampler is null && bsTrain is null)
        {
            throw new OmlException("bs_train is required when sampler is null: the batch size of random training batches");
        }

        var optimizer = root.GetRequiredBlock("optimizer", "{name: adam, args: {lr: 1e-4}}");
        if (!optimizer.Args.ContainsKey("lr")) throw new OmlException("optimizer.args.lr is required: the learning rate, e.g. 1e-4");

        var mode = root.GetString("mode_for_checkpointing", "max") switch
        {
            "max" => CheckpointMode.Max,
            "min" => CheckpointMode.Min,
            var other => throw new OmlException($"mode_for_checkpointing = '{other}' is not valid: expected max or min"),
        };

        var (maxTime, limitTrainBatches) = ReadTrainerExtraArgs(root, notes);
        var validation = pairwise
            ? ValidationSettings.Read(root, logImagesByDefault: true, transformsKey: "transforms_extraction", batchSizeKey: "batch_size_inference")
            : ValidationSettings.Read(root, logImagesByDefault: false);

        var config = new TrainPipelineConfig
        {
            Seed = root.GetInt("seed"),
            Engine = engine,
            Validation = validation,
            TransformsTrain = root.GetRequiredBlock("transforms_train", "{name: augs_torch, args: {im_size: 224}}"),
            CacheSize = root.GetInt("cache_size", 0),
            TensorCacheMb = NonNegative(root, "tensor_cache_mb", DefaultTensorCacheMb),
            ShowDatasetWarnings = root.GetBool("show_dataset_warnings", true),
            Sampler = sampler,
            BatchSizeTrain = bsTrain,
            Criterion = pairwise ? null : root.GetRequiredBlock("criterion", "{name: triplet_with_miner, args: {margin: 0.2, miner: {name: all_triplets, args: {}}}}"),
            Pairwise = pairwise ? ReadPairwise(root, validation) : null,
            Optimizer = optimizer,
            Scheduling = SchedulingConfig.Parse(root.GetRaw("scheduling")),
            FreezeNEpochs = root.GetInt("freeze_n_epochs", 0),
            MaxEpochs = Positive(root, "max_epochs"),
            ValidPeriod = Positive(root, "valid_period"),
            MetricForCheckpointing = root.GetString("metric_for_checkpointing"),
            ModeForCheckpointing = mode,
            MaxTime = maxTime,
            LimitTrainBatches = limitTrainBatches,
            Logs = logs,
            Resume = root.GetNullableString("resume"),
            Values = loaded.Values,
            Notes = notes,
        };
        root.GetRaw("find_unused_parameters");
        root.EnsureAllKeysUsed(pairwise ? "the postprocessor training config" : "the training config");
        keysRead = root.KeysRead;
        return config;
    }

    private static int Positive(BlockArgs root, string key) => ValidationSettings.Positive(root, key);

    private static int NonNegative(BlockArgs root, string key, int fallback)
    {
        var value = root.GetInt(key, fallback);
        return value >= 0 ? value : throw new OmlException($"{key} = {value} is not valid: expected 0 (off) or a number of megabytes");
    }

    private static PairwiseTrainingSettings ReadPairwise(BlockArgs root, ValidationSettings validation)
    {
        if (root.Has("criterion"))
        {
            throw new OmlException("criterion: the postprocessor pipeline trains its pairwise model with binary cross-entropy on mined pairs (as OML's); remove criterion");
        }
        var postprocessor = validation.Postprocessor ?? throw new OmlException(
            "postprocessor is required: the pairwise_reranker whose pairwise model is trained and validated, e.g. " +
            "{name: pairwise_reranker, args: {top_n: 5, pairwise_model: ${pairwise_model}, batch_size: 128}}");
        if (postprocessor.Name != "pairwise_reranker")
        {
            throw new OmlException($"postprocessor.name = {postprocessor.Name}: the postprocessor pipeline trains the model of a pairwise_reranker; use {{name: pairwise_reranker, args: {{pairwise_model: ...}}}}");
        }
        var model = ConfigBlock.FromValue(postprocessor.Args.GetValueOrDefault("pairwise_model"), $"{postprocessor.Path}.args.pairwise_model")
                    ?? throw new OmlException($"{postprocessor.Path}.args.pairwise_model is required: the model to train, e.g. ${{pairwise_model}}");
        if (root.GetBlock("pairwise_model") is { } topLevel && ConfigYaml.Serialize(AsValues(topLevel)) != ConfigYaml.Serialize(AsValues(model)))
        {
            throw new OmlException($"pairwise_model and {model.Path} differ; the pipeline trains the postprocessor's model (as OML's), so write {model.Path}: ${{pairwise_model}}");
        }
        root.GetRaw("extractor_weights"); // OML's configs keep the extractor's weights path here for interpolation
        return new PairwiseTrainingSettings
        {
            PairwiseModel = model,
            HardPairsMining = root.GetBool("hard_pairs_mining", true),
            EmbeddingsCacheDir = root.GetNullableString("embeddings_cache_dir"),
        };
    }

    private static Dictionary<string, object?> AsValues(ConfigBlock block) => new() { ["name"] = block.Name, ["args"] = block.Args };

    private static (TimeSpan? MaxTime, int? LimitTrainBatches) ReadTrainerExtraArgs(BlockArgs root, List<string> notes)
    {
        if (root.GetRaw("lightning_trainer_extra_args") is not IReadOnlyDictionary<string, object?> extra) return (null, null);
        var args = new BlockArgs(extra, "lightning_trainer_extra_args");
        TimeSpan? maxTime = null;
        var maxTimeText = args.GetNullableString("max_time");
        if (maxTimeText is not null)
        {
            // Lightning's "DD:HH:MM:SS"
            var parts = maxTimeText.Split(':');
            if (parts.Length != 4 || !parts.All(p => int.TryParse(p, out _)))
            {
                throw new OmlException($"lightning_trainer_extra_args.max_time = '{maxTimeText}' is not valid: expected DD:HH:MM:SS, e.g. 00:12:00:00");
            }
            var n = parts.Select(int.Parse).ToArray();
            maxTime = new TimeSpan(n[0], n[1], n[2], n[3]);
        }
        var limit = args.GetNullableInt("limit_train_batches");
        foreach (var key in extra.Keys.Where(k => k is not ("max_time" or "limit_train_batches")))
        {
            args.GetRaw(key);
            notes.Add($"lightning_trainer_extra_args.{key}: a Lightning Trainer setting with no equivalent here; ignored (supported: max_time, limit_train_batches)");
        }
        return (maxTime, limit);
    }
}
