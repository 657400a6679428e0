using Oml.Config;
using Oml.Registries;

namespace Oml.Pipelines;

/// <summary>
/// The keys OML's prediction pipeline reads (<c>oml/lightning/pipelines/predict.py: extractor_prediction_pipeline</c>): every image under <c>data_dir</c> (jpg, jpeg, png, any case;
/// this version also takes bmp, gif, webp), or instead the rows of a dataframe (<c>dataframe</c>, with
/// <c>dataset_root</c>); embeddings go to <c>save_dir</c>. A training or validation config also predicts: keys only
/// those read are accepted and noted. <c>engine</c> (not OML's) chooses TorchSharp or ONNX Runtime
/// (<see cref="InferenceEngineSettings"/>).
/// </summary>
public sealed record PredictPipelineConfig
{
    public required EngineSettings Engine { get; init; }
    public string? DataDir { get; init; }
    public string? Dataframe { get; init; }
    public string? DatasetRoot { get; init; }
    public required ConfigBlock TransformsPredict { get; init; }
    public required int BatchSize { get; init; }
    public required int NumWorkers { get; init; }

    /// <summary>The extractor block; null only when <see cref="Inference"/> names an ONNX model to run instead.</summary>
    public required ConfigBlock? Extractor { get; init; }

    /// <summary>What computes the embeddings (<c>engine</c>): TorchSharp (default) or ONNX Runtime.</summary>
    public InferenceEngineSettings Inference { get; init; } = InferenceEngineSettings.Torch;
    public required string SaveDir { get; init; }

    /// <summary><c>max_image_pixels</c>, as training and validation read it (<see cref="ValidationSettings.MaxImagePixels"/>).</summary>
    public long MaxImagePixels { get; init; } = Images.ImageDecoder.DefaultMaxPixels;
    public required IReadOnlyDictionary<string, object?> Values { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>
    /// Loads the config with Hydra-style overrides. The input is one of <c>data_dir</c> and <c>dataframe</c>: one given
    /// on the command line replaces the other from the file (with a note), so <c>data_dir=photos</c> works with a
    /// config that names a dataframe.
    /// </summary>
    public static PredictPipelineConfig Load(string path, IEnumerable<string>? overrides = null)
    {
        var list = (overrides ?? []).ToList();
        return From(PreferCommandLineInput(ConfigLoader.Load(path, list), list));
    }

    private static readonly string[] InputKeys = ["data_dir", "dataframe"];

    private static LoadedConfig PreferCommandLineInput(LoadedConfig loaded, IReadOnlyList<string> overrides)
    {
        var given = overrides
            .Select(o => o.Trim())
            .Where(o => !o.StartsWith('~') && o.Contains('='))
            .Select(o => ConfigOverride.Parse(o.TrimStart('+')))
            .Where(o => o.Path.Count == 1 && InputKeys.Contains(o.Path[0]) && o.Value is not null)
            .Select(o => o.Path[0])
            .Distinct()
            .ToArray();
        if (given.Length != 1) return loaded;
        var replaced = InputKeys.Single(k => k != given[0]);
        if (!loaded.Values.TryGetValue(replaced, out var fromFile) || fromFile is null) return loaded;
        loaded.Values.Remove(replaced);
        var note = $"{given[0]} on the command line replaces {replaced} = {ConfigTree.ToInlineString(fromFile)} of {loaded.Source}";
        return loaded with { Notes = [.. loaded.Notes, note] };
    }

    public static PredictPipelineConfig From(LoadedConfig loaded)
    {
        var root = new BlockArgs(loaded.Values, "");
        var notes = new List<string>(loaded.Notes);
        var engine = EngineSettings.Read(root);
        notes.AddRange(engine.Notes);
        var inference = InferenceEngineSettings.Read(root);
        var extractor = inference.Model is null
            ? root.GetRequiredBlock("extractor", "{name: resnet, args: {arch: resnet18, weights: path/to/best.ckpt}}")
            : root.GetBlock("extractor");
        if (inference.Model is not null && extractor is not null)
        {
            notes.Add($"{InferenceEngineSettings.ModelKey} = {inference.Model} is run; the extractor block is not used");
        }
        var config = new PredictPipelineConfig
        {
            Engine = engine,
            DataDir = root.GetNullableString("data_dir"),
            Dataframe = root.GetNullableString("dataframe"),
            DatasetRoot = root.GetNullableString("dataset_root"),
            TransformsPredict = root.GetRequiredBlock("transforms_predict", "{name: norm_resize_torch, args: {im_size: 224}}"),
            BatchSize = root.GetInt("bs"),
            NumWorkers = root.GetInt("num_workers", 0),
            Extractor = extractor,
            Inference = inference,
            SaveDir = root.GetString("save_dir", "."),
            MaxImagePixels = ValidationSettings.ReadMaxImagePixels(root),
            Values = loaded.Values,
            Notes = notes,
        };
        if (config.DataDir is null == (config.Dataframe is null))
        {
            throw new OmlException("give exactly one of data_dir (a folder of images) or dataframe (an OML csv, with dataset_root for relative paths); " +
                                   (config.DataDir is null ? "neither is set" : $"both are set: data_dir = {config.DataDir}, dataframe = {config.Dataframe}"));
        }
        // a training or validation config also predicts: the keys only they read are accepted and named
        var ignored = root.AcceptUnread(TrainPipelineConfig.Keys);
        if (ignored.Count > 0) notes.Add($"training and validation keys not used by prediction: {string.Join(", ", ignored)}");
        root.EnsureAllKeysUsed("the prediction config");
        return config;
    }
}
