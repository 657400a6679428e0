using Oml.Config;
using Oml.Metrics;
using Oml.Registries;

namespace Oml.Pipelines;

/// <summary>
/// The keys of <c>oml evaluate</c>: precomputed validation embeddings (<c>embeddings</c>, a NumPy <c>.npy</c> file, one
/// row per validation row of the dataframe, in file order), the dataframe they belong to (<c>dataframe</c>, or
/// <c>dataset_root</c> + <c>dataframe_name</c> as in a validation config), <c>check_files</c> (also check that its
/// images exist), <c>metric_args</c>, <c>postprocessor</c> and <c>retrieval</c> exactly as validation reads them, and <c>out</c> (the
/// metrics file, default <c>metrics.json</c>). Loaded by the same YAML / Hydra-override loader as the other
/// pipelines, so <c>postprocessor=NAME</c> picks the same block as in <c>oml validate</c>; a validation or training
/// config also evaluates: the keys only those read are accepted and noted.
/// </summary>
public sealed record EvaluatePipelineConfig
{
    /// <summary>The keys evaluation reads.</summary>
    internal static readonly string[] Keys = ["embeddings", "dataframe", "dataset_root", "dataframe_name", "check_files", "metric_args", "postprocessor", "retrieval", "out"];

    /// <summary>The keys of training and validation configs (their parsers' own), which evaluation accepts and notes when it does not use them.</summary>
    private static IEnumerable<string> OtherPipelinesKeys => TrainPipelineConfig.Keys.Concat(ValidatePipelineConfig.Keys);

    /// <summary>NumPy .npy file, float32 or float64, [N, D]: one row per validation row of <see cref="Dataframe"/>, in file order.</summary>
    public required string Embeddings { get; init; }

    /// <summary>The OML dataframe (df.csv) whose validation rows the embeddings belong to.</summary>
    public required string Dataframe { get; init; }

    /// <summary>Root of the dataframe's relative image paths (default: the dataframe's folder).</summary>
    public string? DatasetRoot { get; init; }

    /// <summary>Also check that the dataframe's image files exist (the metrics do not need them; the views show them).</summary>
    public bool CheckFiles { get; init; }

    public MetricArgs MetricArgs { get; init; } = MetricArgs.Default;

    public ConfigBlock? Postprocessor { get; init; }

    /// <summary><c>retrieval</c>, as validation reads it: null for the exact search.</summary>
    public ConfigBlock? Retrieval { get; init; }

    /// <summary>Where the metrics go (with a postprocessor, those without it go next to it as <c>&lt;name&gt;_without_postprocessor.json</c>).</summary>
    public string MetricsJsonPath { get; init; } = "metrics.json";

    /// <summary>What chose <see cref="MetricsJsonPath"/>, as messages name it: the key <c>out</c>, or a front end's option (<c>--out</c>).</summary>
    public string MetricsJsonPathName { get; init; } = "out";

    public IReadOnlyDictionary<string, object?> Values { get; init; } = new Dictionary<string, object?>();

    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>
    /// A YAML config (or, with <paramref name="path"/> null, none: the overrides alone), the Hydra-style
    /// <paramref name="overrides"/>, then <paramref name="values"/> set over them as they are (a front end's options:
    /// file paths are not parsed as YAML).
    /// </summary>
    public static EvaluatePipelineConfig Load(string? path, IEnumerable<string>? overrides = null, IReadOnlyDictionary<string, object?>? values = null)
    {
        var loaded = path is null ? ConfigLoader.Parse("", "the command line", null, overrides) : ConfigLoader.Load(path, overrides);
        foreach (var (key, value) in values ?? new Dictionary<string, object?>()) loaded.Values[key] = value;
        return From(loaded);
    }

    public static EvaluatePipelineConfig From(LoadedConfig loaded)
    {
        ThrowIfUnknownKeys(loaded);
        var root = new BlockArgs(loaded.Values, "");
        var notes = new List<string>(loaded.Notes);
        var embeddings = root.GetNullableString("embeddings")
            ?? throw new OmlException("embeddings is required: a NumPy .npy file of shape [N, D], one row per validation row of the dataframe, in file order");
        var dataframe = root.GetNullableString("dataframe");
        var datasetRoot = root.GetNullableString("dataset_root");
        var dataframeName = root.GetNullableString("dataframe_name");
        if (dataframe is not null && dataframeName is not null)
        {
            throw new OmlException($"give one of dataframe ({dataframe}: the path of the csv) or dataframe_name ({dataframeName}: a csv under dataset_root), not both");
        }
        var csv = dataframe ?? (dataframeName is null ? null : Path.Combine(datasetRoot ?? ".", dataframeName))
            ?? throw new OmlException("dataframe is required: the OML dataframe (df.csv) whose validation rows the embeddings belong to (or dataset_root and dataframe_name, as in a validation config)");
        var config = new EvaluatePipelineConfig
        {
            Embeddings = embeddings,
            Dataframe = csv,
            DatasetRoot = datasetRoot,
            CheckFiles = root.GetBool("check_files", false),
            MetricArgs = MetricArgsBlock.Read(root),
            Postprocessor = root.GetBlock("postprocessor"),
            Retrieval = root.GetBlock("retrieval"),
            MetricsJsonPath = root.GetString("out", "metrics.json"),
            Values = loaded.Values,
            Notes = notes,
        };
        var ignored = root.AcceptUnread(OtherPipelinesKeys);
        if (ignored.Count > 0) notes.Add($"training and validation keys not used by evaluation: {string.Join(", ", ignored)}");
        root.EnsureAllKeysUsed("the evaluation config");
        return config;
    }

    /// <summary>Top-level keys that neither evaluation nor a validation or training config has, with a "did you mean".</summary>
    private static void ThrowIfUnknownKeys(LoadedConfig loaded)
    {
        var accepted = Keys.Concat(OtherPipelinesKeys).ToHashSet(StringComparer.Ordinal);
        var unknown = loaded.Values.Keys.Where(k => !accepted.Contains(k)).Order(StringComparer.Ordinal).ToArray();
        if (unknown.Length == 0) return;
        var problems = unknown.Select(k => $"unknown key '{k}'{NameSuggestions.DidYouMean(k, Keys)}");
        throw new OmlException($"{loaded.Source}: {string.Join("; ", problems)}; valid: {string.Join(", ", Keys)} " +
                               "(the other keys of a validation or training config are accepted and not used)");
    }
}
