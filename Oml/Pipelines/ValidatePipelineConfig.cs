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
    public required EngineSettings Engine { get; init; }

    /// <summary>What validation reads, parsed as training's validation parses it.</summary>
    public required ValidationSettings Validation { get; init; }

    public string DatasetRoot => Validation.DatasetRoot;
    public string DataframeName => Validation.DataframeName;
    public ConfigBlock TransformsVal => Validation.TransformsVal;
    public int BatchSizeVal => Validation.BatchSizeVal;
    public int NumWorkers => Validation.NumWorkers;
    public ConfigBlock Extractor => Validation.Extractor;
    public ConfigBlock? Postprocessor => Validation.Postprocessor;
    public MetricArgs MetricArgs => Validation.MetricArgs;
    public bool LogImages => Validation.LogImages;
    public long MaxImagePixels => Validation.MaxImagePixels;
    public required string SaveDir { get; init; }
    public required IReadOnlyDictionary<string, object?> Values { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];

    public static ValidatePipelineConfig Load(string path, IEnumerable<string>? overrides = null) =>
        From(ConfigLoader.Load(path, overrides));

    /// <summary>Every top-level key this config reads, taken from its parser on the smallest complete config (as <see cref="TrainPipelineConfig.Keys"/>).</summary>
    public static IReadOnlySet<string> Keys => KnownKeys.Value;

    private static readonly Lazy<IReadOnlySet<string>> KnownKeys = new(() =>
    {
        static Dictionary<string, object?> Block(string name) => new() { ["name"] = name, ["args"] = new Dictionary<string, object?>() };
        var smallest = new Dictionary<string, object?>
        {
            ["dataset_root"] = ".", ["dataframe_name"] = "df.csv", ["transforms_val"] = Block("norm_resize_torch"), ["bs_val"] = 2, ["extractor"] = Block("resnet"),
        };
        Parse(new LoadedConfig(smallest, "the smallest validation config", []), out var keys);
        return keys;
    });

    public static ValidatePipelineConfig From(LoadedConfig loaded) => Parse(loaded, out _);

    private static ValidatePipelineConfig Parse(LoadedConfig loaded, out IReadOnlySet<string> keysRead)
    {
        var root = new BlockArgs(loaded.Values, "");
        var notes = new List<string>(loaded.Notes);
        var engine = EngineSettings.Read(root);
        notes.AddRange(engine.Notes);
        var config = new ValidatePipelineConfig
        {
            Engine = engine,
            Validation = ValidationSettings.Read(root, logImagesByDefault: true),
            SaveDir = root.GetString("save_dir", "."),
            Values = loaded.Values,
            Notes = notes,
        };
        keysRead = root.KeysRead;
        // a training config also validates: the keys only training reads are accepted and named
        var ignored = root.AcceptUnread(TrainPipelineConfig.Keys);
        if (ignored.Count > 0) notes.Add($"training keys not used by validation: {string.Join(", ", ignored)}");
        root.EnsureAllKeysUsed("the validation config");
        return config;
    }
}
