using static TorchSharp.torch;

namespace Oml.Weights;

/// <summary>
/// Loads a weights file into a module and saves a module's weights. Loading reads the file (any format
/// <see cref="StateDictFile.Read"/> knows), drops loss weights and strips a wrapper prefix (<see cref="StateDictKeys"/>),
/// then checks every key and shape against <c>module.state_dict()</c> before copying anything.
/// </summary>
public static class ModuleWeights
{
    /// <summary>How many keys of each kind an error message lists before "and N more".</summary>
    public const int ListedKeys = 10;

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="module"/>'s parameters and buffers (under no_grad, converting
    /// to each target's dtype and device). With <paramref name="strict"/> a missing key, an unexpected key or a shape
    /// mismatch throws an <see cref="OmlException"/> listing them and nothing is copied; without it, the keys that fit
    /// are loaded and the report lists the rest.
    /// </summary>
    public static WeightsLoadReport Load(nn.Module module, string path, bool strict = true)
    {
        using var stateDict = StateDictFile.Read(path);
        return Load(module, stateDict, strict);
    }

    /// <summary>Loads an already read state dict (the caller keeps ownership of its tensors).</summary>
    public static WeightsLoadReport Load(nn.Module module, StateDict stateDict, bool strict = true) =>
        Load(module, stateDict, strict, StrictAdvice);

    internal const string StrictAdvice = "Pass strict: false to load only the keys that fit.";

    /// <summary>
    /// <see cref="Load(nn.Module, StateDict, bool)"/> whose strict mismatch ends with <paramref name="mismatchAdvice"/>
    /// (what to do about it) instead of the hint to pass strict: false, for callers that offer no such option.
    /// </summary>
    internal static WeightsLoadReport Load(nn.Module module, StateDict stateDict, bool strict, string mismatchAdvice) =>
        Load(module, stateDict, strict, mismatchAdvice, discard: null);

    /// <summary>
    /// <see cref="Load(nn.Module, StateDict, bool, string)"/> that drops the file's keys the module lacks when
    /// <paramref name="discard"/> says so of their module-level name (e.g. a classifier the extractor was built without),
    /// listing them as dropped instead of unexpected.
    /// </summary>
    internal static WeightsLoadReport Load(nn.Module module, StateDict stateDict, bool strict, string mismatchAdvice, Func<string, bool>? discard)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(stateDict);
        var targets = module.state_dict();
        var match = StateDictKeys.Match(stateDict.Keys, targets.Keys);

        var plan = new List<(Tensor Source, Tensor Target)>();
        var loaded = new List<string>();
        var loadedSet = new HashSet<string>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        var mismatches = new List<string>();
        var discarded = new List<string>();
        foreach (var (fileKey, modelKey) in match.Renamed)
        {
            var source = stateDict[fileKey];
            if (!targets.ContainsKey(modelKey) && discard?.Invoke(modelKey) == true)
            {
                discarded.Add(fileKey);
                continue;
            }
            if (!targets.TryGetValue(modelKey, out var target) || loadedSet.Contains(modelKey))
            {
                unexpected.Add(modelKey);
                continue;
            }
            if (!source.shape.SequenceEqual(target.shape))
            {
                mismatches.Add($"{modelKey}: file {Shape(source.shape)} vs model {Shape(target.shape)}");
                continue;
            }
            plan.Add((source, target));
            loaded.Add(modelKey);
            loadedSet.Add(modelKey);
        }
        var mismatchedKeys = mismatches.Select(m => m[..m.IndexOf(": file ", StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
        var missing = targets.Keys.Where(k => !loadedSet.Contains(k) && !mismatchedKeys.Contains(k)).ToList();

        var report = new WeightsLoadReport(stateDict.Path, stateDict.Format, stateDict.NestedUnder, match.StrippedPrefix,
            loaded, missing, unexpected, mismatches, [.. match.Dropped, .. discarded], stateDict.Ignored);
        if (strict && !report.IsComplete) throw MismatchError(report, stateDict, targets.Keys, mismatchAdvice);

        using (no_grad())
        {
            foreach (var (source, target) in plan) target.copy_(source);
        }
        return report;
    }

    /// <summary>
    /// Saves <paramref name="module"/>'s state dict atomically (temp file + rename). The extension picks the format:
    /// <c>.pth</c>/<c>.pt</c>/<c>.ckpt</c> → PyTorch zip (readable by <c>torch.load</c>), <c>.safetensors</c> → safetensors,
    /// anything else → TorchSharp's <c>Module.save</c> format.
    /// </summary>
    public static void Save(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        StateDictFile.Write(module.state_dict(), path, StateDictFile.FormatForExtension(path));
    }

    private static OmlException MismatchError(WeightsLoadReport report, StateDict stateDict, IEnumerable<string> modelKeys, string advice)
    {
        var counts = new List<string>();
        if (report.Missing.Count > 0) counts.Add(Count(report.Missing.Count, "missing key"));
        if (report.Unexpected.Count > 0) counts.Add(Count(report.Unexpected.Count, "unexpected key"));
        if (report.ShapeMismatches.Count > 0) counts.Add(Count(report.ShapeMismatches.Count, "shape mismatch", "shape mismatches"));
        var where = report.NestedUnder is null ? "" : $", weights under '{report.NestedUnder}'";
        var prefix = report.StrippedPrefix.Length == 0 ? "" : $", prefix '{report.StrippedPrefix}' stripped";
        var message = $"{report.Path}: the weights do not fit the model ({report.Format}{where}{prefix}): {string.Join(", ", counts)}. "
            + advice;

        var details = new List<string>();
        if (report.Missing.Count > 0) details.Add(List($"missing in the file ({report.Missing.Count})", report.Missing));
        if (report.Unexpected.Count > 0) details.Add(List($"unexpected in the file ({report.Unexpected.Count})", report.Unexpected));
        if (report.ShapeMismatches.Count > 0) details.Add(List($"shape mismatches ({report.ShapeMismatches.Count})", report.ShapeMismatches));
        if (report.Loaded.Count == 0 && stateDict.Count > 0)
        {
            details.Add(List("no key matches; the file's keys start with", [.. stateDict.Keys]));
            details.Add(List("the model's keys start with", [.. modelKeys]));
        }
        if (report.Dropped.Count > 0) details.Add(List($"dropped (loss weights, or a head the model has not) ({report.Dropped.Count})", report.Dropped));
        return new OmlException(message, details);
    }

    private static string List(string title, IReadOnlyList<string> items)
    {
        var shown = string.Join("; ", items.Take(ListedKeys));
        return items.Count > ListedKeys ? $"{title}: {shown}; ... and {items.Count - ListedKeys} more" : $"{title}: {shown}";
    }

    private static string Count(int n, string singular, string? plural = null) => $"{n} {(n == 1 ? singular : plural ?? singular + "s")}";

    private static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
