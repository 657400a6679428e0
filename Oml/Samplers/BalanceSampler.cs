using static System.FormattableString;

namespace Oml.Samplers;

/// <summary>
/// OML's <c>BalanceSampler</c>: every batch holds <c>nLabels</c> distinct labels with <c>nInstances</c> rows each,
/// contiguous per label. Labels are drawn without replacement within an epoch, so each label appears in at most
/// one batch per epoch and <c>L % nLabels</c> labels are left out. A label with fewer than <c>nInstances</c> rows
/// is upsampled: all its rows in random order, then draws with replacement.
/// </summary>
public sealed class BalanceSampler : IBatchSampler
{
    private const string Name = "BalanceSampler";
    private readonly LabelGroups _groups;
    private readonly int _nLabels;
    private readonly int _nInstances;
    private readonly int _seed;

    public BalanceSampler(IReadOnlyList<long> labels, int nLabels, int nInstances, int seed)
    {
        _groups = new LabelGroups(labels, Name);
        var l = _groups.Count;
        if (l < 2)
            throw new OmlException(Invariant($"{Name}: the train split has {l} label; a batch needs at least 2 distinct labels to have negatives"));
        if (nLabels < 2 || nLabels > l)
            throw new OmlException(Invariant($"{Name}: n_labels={nLabels} but the train split has {l} labels; n_labels must be between 2 and {l} (the distinct labels in one batch)"));
        if (nInstances < 2)
            throw new OmlException(Invariant($"{Name}: n_instances={nInstances} but it must be at least 2 (each label needs a positive pair in a batch)"));
        _groups.ThrowIfAnyLabelHasFewerThanTwoSamples(Name);
        _nLabels = nLabels;
        _nInstances = nInstances;
        _seed = seed;
    }

    /// <summary><c>L // n_labels</c>.</summary>
    public int BatchesPerEpoch => _groups.Count / _nLabels;

    /// <summary><c>n_labels · n_instances</c>.</summary>
    public int BatchSize => _nLabels * _nInstances;

    public IReadOnlyList<int[]> Epoch(int epoch)
    {
        var rng = SamplerRandom.ForEpoch(_seed, epoch);
        var order = SamplerRandom.Choose(rng, _groups.Labels, BatchesPerEpoch * _nLabels);
        var batches = new int[BatchesPerEpoch][];
        var batch = new List<int>(BatchSize);
        for (var b = 0; b < batches.Length; b++)
        {
            batch.Clear();
            for (var j = 0; j < _nLabels; j++)
                SamplerRandom.SmartSample(rng, _groups.IndicesOf(order[b * _nLabels + j]), _nInstances, batch);
            batches[b] = [.. batch];
        }
        return batches;
    }
}
