using static System.FormattableString;

namespace Oml.Samplers;

/// <summary>The train-split row indices of every label, labels in ascending order.</summary>
internal sealed class LabelGroups
{
    private readonly Dictionary<long, int[]> _indices;

    public LabelGroups(IReadOnlyList<long> labels, string sampler)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0)
            throw new OmlException($"{sampler}: the train split is empty; a sampler needs labelled rows to build batches");
        var lists = new Dictionary<long, List<int>>();
        for (var i = 0; i < labels.Count; i++)
        {
            if (!lists.TryGetValue(labels[i], out var list)) lists[labels[i]] = list = [];
            list.Add(i);
        }
        _indices = lists.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        Labels = [.. _indices.Keys.Order()];
    }

    /// <summary>The distinct labels, ascending.</summary>
    public long[] Labels { get; }

    public int Count => Labels.Length;

    public bool Contains(long label) => _indices.ContainsKey(label);

    public int[] IndicesOf(long label) => _indices[label];

    /// <summary>Every label needs a positive pair: at least 2 rows. Lists each offending label with its count.</summary>
    public void ThrowIfAnyLabelHasFewerThanTwoSamples(string sampler)
    {
        var small = Labels.Where(l => _indices[l].Length < 2).ToArray();
        if (small.Length == 0) return;
        var details = small.Select(l => Invariant($"label {l}: {_indices[l].Length} sample")).ToArray();
        var shown = string.Join(", ", small.Take(10).Select(l => Invariant($"{l} ({_indices[l].Length})")));
        var more = small.Length > 10 ? Invariant($", ... ({small.Length - 10} more)") : "";
        throw new OmlException(
            Invariant($"{sampler}: every label needs at least 2 samples (a positive pair), but {small.Length} label(s) have only 1: {shown}{more}. Drop or merge these labels in the train split."),
            details);
    }
}
