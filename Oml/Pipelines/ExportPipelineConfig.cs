using Oml.Config;
using Oml.Onnx;
using Oml.Registries;
using Oml.Training;
using Oml.Weights;

namespace Oml.Pipelines;

/// <summary>
/// What <c>oml export</c> exports: the <c>extractor</c> block (with its weights) and the transform the model expects,
/// read either from a checkpoint of <c>oml train</c> (its extractor block and the config it was trained with, which it
/// holds; the weights are the checkpoint's) or from a training, validation or prediction config (the extractor built as
/// those pipelines build it, its <c>weights</c> as given). The transform is the config's <c>transforms_predict</c>,
/// else <c>transforms_val</c>, else <c>transforms_extraction</c>. Overrides (<c>key.path=value</c>) apply to the config
/// in both cases.
/// </summary>
public sealed record ExportPipelineConfig
{
    /// <summary>The transform keys, in the order they are looked for.</summary>
    public static readonly IReadOnlyList<string> TransformKeys = ["transforms_predict", "transforms_val", "transforms_extraction"];

    /// <summary>The checkpoint or config file.</summary>
    public required string Source { get; init; }

    /// <summary>True when <see cref="Source"/> is a checkpoint of <c>oml train</c>.</summary>
    public required bool FromCheckpoint { get; init; }

    /// <summary>The extractor block; from a checkpoint, its <c>weights</c> are the checkpoint.</summary>
    public required ConfigBlock Extractor { get; init; }

    /// <summary>The transform block the model expects; null: <c>norm_resize_torch</c> at the input size.</summary>
    public ConfigBlock? Transform { get; init; }

    public required string OnnxPath { get; init; }

    /// <summary>How messages name <see cref="OnnxPath"/> (<c>--onnx</c> on the command line).</summary>
    public string OnnxPathName { get; init; } = "--onnx";

    /// <summary>The input side when the transform does not fix it (see <see cref="OnnxExportOptions.ImageSize"/>).</summary>
    public int? ImageSize { get; init; }

    public double Tolerance { get; init; } = OnnxExportOptions.DefaultTolerance;

    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Reads <paramref name="source"/> (a checkpoint or a YAML config) with Hydra-style overrides.</summary>
    public static ExportPipelineConfig Load(string source, string onnxPath, IEnumerable<string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        var list = (overrides ?? []).ToList();
        if (!File.Exists(source))
        {
            throw new OmlException(Directory.Exists(source)
                ? $"{source} is a folder; give a checkpoint of oml train (e.g. {Path.Combine(source, "checkpoints", "best.ckpt")}) or a config file"
                : $"{source} does not exist; give a checkpoint of oml train (best.ckpt, last.ckpt) or a train / validate / predict config");
        }
        return CheckpointFile.IsCheckpoint(source) ? FromCheckpointFile(source, onnxPath, list) : FromConfigFile(source, onnxPath, list);
    }

    private static readonly string[] WeightsExtensions = [".ckpt", ".pth", ".pt", ".bin", ".safetensors"];

    private static ExportPipelineConfig FromConfigFile(string source, string onnxPath, IReadOnlyList<string> overrides)
    {
        if (WeightsExtensions.Contains(Path.GetExtension(source).ToLowerInvariant()))
        {
            throw new OmlException($"{source} is not a checkpoint of oml train, so it does not say which network it holds; give a config whose extractor block " +
                                   $"names it, e.g. oml export configs/predict_mock.yaml extractor.args.weights={source} --onnx {onnxPath}");
        }
        var loaded = ConfigLoader.Load(source, overrides);
        return Read(loaded, source, onnxPath, fromCheckpoint: false, overrides);
    }

    private static ExportPipelineConfig FromCheckpointFile(string source, string onnxPath, IReadOnlyList<string> overrides)
    {
        using (var zip = CheckpointFile.Open(source))
        {
            if (zip.GetEntry(CheckpointFile.ExtractorEntry) is null)
            {
                throw new OmlException($"{source} holds no extractor ({CheckpointFile.ExtractorEntry}): " +
                                       (zip.GetEntry(CheckpointFile.PairwiseModelEntry) is not null
                                           ? "it is a checkpoint of oml train-postprocessor (a pairwise model); export the extractor from its checkpoint of oml train"
                                           : "it is not a complete checkpoint"));
            }
        }
        var state = TrainingCheckpoint.ReadState(source);
        var extractor = new Dictionary<string, object?> { ["name"] = state.ExtractorName, ["args"] = state.ExtractorArgs };
        var yaml = state.ConfigYaml ?? ConfigYaml.Serialize(new Dictionary<string, object?> { ["extractor"] = extractor });
        var loaded = ConfigLoader.Parse(yaml, $"{source} (the config it was trained with)", blocksDirectory: null, overrides);
        return Read(loaded, source, onnxPath, fromCheckpoint: true, overrides);
    }

    private static ExportPipelineConfig Read(LoadedConfig loaded, string source, string onnxPath, bool fromCheckpoint, IReadOnlyList<string> overrides)
    {
        var root = new BlockArgs(loaded.Values, "");
        var notes = new List<string>(loaded.Notes);
        var unread = overrides.Select(TopLevelKey).Where(k => k != "extractor" && !TransformKeys.Contains(k)).Distinct().ToArray();
        if (unread.Length > 0)
        {
            notes.Add($"the export reads only extractor and {string.Join(" / ", TransformKeys)}; these overrides change nothing: {string.Join(", ", unread)}");
        }
        var extractor = root.GetRequiredBlock("extractor", "{name: resnet, args: {arch: resnet18, weights: path/to/best.ckpt}}");
        if (fromCheckpoint) extractor = WithCheckpointWeights(extractor, source);
        var transformKey = TransformKeys.FirstOrDefault(k => root.GetRaw(k) is not null);
        var transform = transformKey is null ? null : root.GetBlock(transformKey);
        if (transform is null)
        {
            notes.Add($"the config has none of {string.Join(", ", TransformKeys)}: the model's metadata states norm_resize_torch (ImageNet mean and std)");
        }
        if (!fromCheckpoint && !HasWeights(extractor))
        {
            notes.Add($"{extractor.Path}.args.weights is null: the exported network has random weights (set it to a checkpoint, e.g. extractor.args.weights=logs/<run>/checkpoints/best.ckpt)");
        }
        return new ExportPipelineConfig
        {
            Source = source,
            FromCheckpoint = fromCheckpoint,
            Extractor = extractor,
            Transform = transform,
            OnnxPath = onnxPath,
            Notes = notes,
        };
    }

    private static string TopLevelKey(string text) => text.Trim().TrimStart('~', '+').Split('=', 2)[0].Split('.')[0];

    /// <summary>The checkpoint's weights for the whole extractor; a nested backbone's own weights would only be overwritten.</summary>
    private static ConfigBlock WithCheckpointWeights(ConfigBlock extractor, string checkpoint)
    {
        var args = extractor.Args.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        args["weights"] = checkpoint;
        if (ConfigBlock.FromValue(args.GetValueOrDefault("extractor"), $"{extractor.Path}.args.extractor") is { } inner)
        {
            var innerArgs = inner.Args.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
            innerArgs["weights"] = null;
            args["extractor"] = new Dictionary<string, object?> { ["name"] = inner.Name, ["args"] = innerArgs };
        }
        return extractor with { Args = args };
    }

    private static bool HasWeights(ConfigBlock extractor) =>
        extractor.Args.GetValueOrDefault("weights") is not null ||
        (ConfigBlock.FromValue(extractor.Args.GetValueOrDefault("extractor"), $"{extractor.Path}.args.extractor") is { } inner && HasWeights(inner));
}
