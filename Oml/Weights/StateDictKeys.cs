namespace Oml.Weights;

/// <summary>
/// Maps the keys of a weights file onto the keys a module expects, as pure functions over key lists.
/// <list type="number">
/// <item>Training-only keys are dropped: <c>criterion.*</c> (ArcFace's <c>criterion.weight</c>, ArcFaceLossWithMLP's
/// <c>criterion.mlp.*</c> / <c>criterion.arcface.weight</c>) and <c>speaker_loss.*</c>, unless the module itself has such keys;
/// and, in a MoCo training checkpoint (<c>module.encoder_q.*</c> beside <c>module.encoder_k.*</c>), the momentum encoder and
/// the queue of negatives, keeping the query encoder as OML's <c>load_moco_weights</c> does.</item>
/// <item>A common prefix is stripped (<c>model.</c>, <c>model.model.</c>, <c>module.</c>, <c>extractor.</c>, ... as written by
/// Lightning, DDP or wrapper modules). Like OML's trial-key approach, but every prefix that turns some file key into a
/// module key is a candidate and the one that makes the most keys match wins (the shorter one on a tie).</item>
/// </list>
/// </summary>
public static class StateDictKeys
{
    /// <summary>First segments of keys that belong to the training objective, not to the extractor.</summary>
    public static IReadOnlyList<string> TrainingOnlyPrefixes { get; } = ["criterion.", "speaker_loss."];

    /// <summary>The keys of <paramref name="fileKeys"/> to drop because they belong to a loss (see <see cref="TrainingOnlyPrefixes"/>) or to MoCo's momentum encoder.</summary>
    public static IReadOnlyList<string> TrainingOnlyKeys(IEnumerable<string> fileKeys, IEnumerable<string> modelKeys)
    {
        var files = fileKeys.ToList();
        var model = modelKeys.ToList();
        var modelPrefixes = TrainingOnlyPrefixes.Where(p => model.Any(k => k.StartsWith(p, StringComparison.Ordinal))).ToHashSet();
        var moco = MomentumEncoderPrefixes(files, model);
        return [.. files.Where(k => TrainingOnlyPrefixes.Any(p => !modelPrefixes.Contains(p) && k.StartsWith(p, StringComparison.Ordinal))
                                    || moco.Any(p => k.StartsWith(p + "encoder_k.", StringComparison.Ordinal) || k == p + "queue" || k == p + "queue_ptr"))];
    }

    /// <summary>
    /// The prefixes (e.g. <c>module.</c>, or empty) under which <paramref name="fileKeys"/> hold both MoCo encoders,
    /// <c>encoder_q.</c> and <c>encoder_k.</c>, unless the module itself has such keys.
    /// </summary>
    private static List<string> MomentumEncoderPrefixes(List<string> fileKeys, List<string> modelKeys)
    {
        const string Query = "encoder_q.", Key = "encoder_k.";
        var prefixes = new List<string>();
        if (modelKeys.Any(k => k.StartsWith(Key, StringComparison.Ordinal) || k.Contains("." + Key, StringComparison.Ordinal))) return prefixes;
        foreach (var key in fileKeys)
        {
            var at = key.IndexOf(Query, StringComparison.Ordinal);
            if (at < 0 || (at > 0 && key[at - 1] != '.')) continue;
            var prefix = key[..at];
            if (prefixes.Contains(prefix)) continue;
            if (fileKeys.Any(k => k.StartsWith(prefix + Key, StringComparison.Ordinal))) prefixes.Add(prefix);
        }
        return prefixes;
    }

    /// <summary>
    /// The prefix (ending with '.', or empty) whose removal makes the most of <paramref name="fileKeys"/> equal to a key
    /// of <paramref name="modelKeys"/>; keys that do not start with it are left as they are. Empty when nothing is gained.
    /// </summary>
    public static string BestPrefix(IEnumerable<string> fileKeys, IEnumerable<string> modelKeys)
    {
        var model = modelKeys.ToHashSet(StringComparer.Ordinal);
        var files = fileKeys.ToList();
        var candidates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in files)
        {
            for (var dot = key.IndexOf('.'); dot >= 0 && dot < key.Length - 1; dot = key.IndexOf('.', dot + 1))
            {
                if (model.Contains(key[(dot + 1)..])) candidates.Add(key[..(dot + 1)]);
            }
        }
        var best = "";
        var bestScore = Score(files, model, "");
        foreach (var prefix in candidates.OrderBy(p => p.Length).ThenBy(p => p, StringComparer.Ordinal))
        {
            var score = Score(files, model, prefix);
            if (score > bestScore)
            {
                best = prefix;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>Drops training-only keys, finds the best prefix and renames every remaining file key.</summary>
    public static KeyMatch Match(IEnumerable<string> fileKeys, IEnumerable<string> modelKeys)
    {
        var files = fileKeys.ToList();
        var model = modelKeys.ToList();
        var dropped = TrainingOnlyKeys(files, model);
        var droppedSet = dropped.ToHashSet(StringComparer.Ordinal);
        var kept = files.Where(k => !droppedSet.Contains(k)).ToList();
        var prefix = BestPrefix(kept, model);
        var renamed = kept.Select(k => new KeyValuePair<string, string>(k, Rename(k, prefix))).ToList();
        return new KeyMatch(renamed, prefix, dropped);
    }

    /// <summary><paramref name="key"/> without <paramref name="prefix"/> when it starts with it.</summary>
    public static string Rename(string key, string prefix) =>
        prefix.Length > 0 && key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length ? key[prefix.Length..] : key;

    private static int Score(List<string> files, HashSet<string> model, string prefix) =>
        files.Count(k => model.Contains(Rename(k, prefix)));
}
