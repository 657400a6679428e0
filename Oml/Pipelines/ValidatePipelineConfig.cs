using Oml.Config;
using Oml.Metrics;
using Oml.Registries;

namespace Oml.Pipelines;

/// <summary>
/// The keys OML's validation pipeline reads (<c>oml/lightning/pipelines/validate.py: extractor_validation_pipeline</c>), plus <c>save_dir</c> (where <c>metrics.json</c> and the
/// worst-query grid go, default <c>.</c>) and <c>log_images</c>. A training config also validates: its
/// training-only keys are accepted and noted.
/// </summary>
public sealed record ValidatePipelineConfig
{
    internal static readonly string[] TrainingOnlyKeys =
    [
        "seed", "transforms_train", "cache_size", "show_dataset_warnings", "sampler", "bs_train", "criterion", "optimizer",
        "scheduling", "freeze_n_epochs", "max_epochs", "valid_period", "metric_for_checkpointing", "mode_for_checkpointing",
        "lightning_trainer_extra_args", "logs_root", "logs_folder", "logger", "tags", "postfix", "hydra_dir", "resume",
    ];

    public required EngineSettings Engine { get; init; }
    public required string DatasetRoot { get; init; }
    public required string DataframeName { get; init; }
    public required ConfigBlock TransformsVal { get; init; }
    public required int BatchSizeVal { get; init; }
    public required int NumWorkers { get; init; }
    public required ConfigBlock Extractor { get; init; }
    public ConfigBlock? Postprocessor { get; init; }
    public required MetricArgs MetricArgs { get; init; }
    public bool LogImages { get; init; } = true;
    public required string SaveDir { get; init; }
    public required IReadOnlyDictionary<string, object?> Values { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];

    public static ValidatePipelineConfig Load(string path, IEnumerable<string>? overrides = null) =>
        From(ConfigLoader.Load(path, overrides));

    public static ValidatePipelineConfig From(LoadedConfig loaded)
    {
        var root = new BlockArgs(loaded.Values, "");
        var notes = new List<string>(loaded.Notes);
        var engine = EngineSettings.Read(root);
        notes.AddRange(engine.Notes);
        var config = new ValidatePipelineConfig
        {
            Engine = engine,
            DatasetRoot = root.GetString("dataset_root"),
            DataframeName = root.GetString("dataframe_name"),
            TransformsVal = root.GetRequiredBlock("transforms_val", "{name: norm_resize_torch, args: {im_size: 224}}"),
            BatchSizeVal = root.GetInt("bs_val"),
            NumWorkers = root.GetInt("num_workers", 0),
            Extractor = root.GetRequiredBlock("extractor", "{name: resnet, args: {arch: resnet18, weights: path/to/best.ckpt}}"),
            Postprocessor = root.GetBlock("postprocessor"),
            MetricArgs = MetricArgsBlock.Parse(new BlockArgs(root.GetRaw("metric_args") as IReadOnlyDictionary<string, object?>, "metric_args")),
            LogImages = root.GetBool("log_images", true),
            SaveDir = root.GetString("save_dir", "."),
            Values = loaded.Values,
            Notes = notes,
        };
        var ignored = TrainingOnlyKeys.Where(loaded.Values.ContainsKey).ToArray();
        foreach (var key in ignored) root.GetRaw(key);
        if (ignored.Length > 0) notes.Add($"training keys not used by validation: {string.Join(", ", ignored)}");
        root.EnsureAllKeysUsed("the validation config");
        return config;
    }
}
