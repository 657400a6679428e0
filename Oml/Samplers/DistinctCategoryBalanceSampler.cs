namespace Oml.Samplers;

/// <summary>
/// OML's <c>DistinctCategoryBalanceSampler</c>: like <see cref="CategoryBalanceSampler"/>, but within an epoch it
/// prefers labels not used yet. Each batch draws <c>nCategories</c> categories among those with unused labels and
/// <c>nLabels</c> unused labels of each (topped up from the category's used labels when fewer remain); when fewer
/// than <c>nCategories</c> categories have unused labels left, every label becomes unused again.
/// </summary>
public sealed class DistinctCategoryBalanceSampler : IBatchSampler
{
    private const string Name = "DistinctCategoryBalanceSampler";
    private readonly CategoryLabels _data;
    private readonly int _nCategories;
    private readonly int _nLabels;
    private readonly int _nInstances;
    private readonly int _epochSize;
    private readonly int _seed;

    public DistinctCategoryBalanceSampler(
        IReadOnlyList<long> labels, IReadOnlyDictionary<long, string> label2category,
        int nCategories, int nLabels, int nInstances, int epochSize, int seed = 0)
    {
        _data = new CategoryLabels(labels, label2category, nCategories, nLabels, nInstances, Name);
        if (epochSize < 1)
            throw new OmlException(FormattableString.Invariant($"{Name}: epoch_size={epochSize} but it must be at least 1 (the number of batches per epoch)"));
        _data.ThrowIfAnyCategoryHasFewerLabelsThan(nLabels, Name, "Lower n_labels or give the short categories more labels.");
        _nCategories = nCategories;
        _nLabels = nLabels;
        _nInstances = nInstances;
        _epochSize = epochSize;
        _seed = seed;
    }

    /// <summary><c>epoch_size</c>.</summary>
    public int BatchesPerEpoch => _epochSize;

    /// <summary><c>n_categories · n_labels · n_instances</c>.</summary>
    public int BatchSize => _nCategories * _nLabels * _nInstances;

    public IReadOnlyList<int[]> Epoch(int epoch)
    {
        var rng = SamplerRandom.ForEpoch(_seed, epoch);
        var unused = ResetPool();
        var batches = new int[_epochSize][];
        var batch = new List<int>(BatchSize);
        for (var b = 0; b < batches.Length; b++)
        {
            batch.Clear();
            var open = unused.Keys.Order().ToArray();
            foreach (var category in SamplerRandom.Choose(rng, open, Math.Min(_nCategories, open.Length)))
            {
                foreach (var label in DrawLabels(rng, category, unused))
                    SamplerRandom.SmartSample(rng, _data.Groups.IndicesOf(label), _nInstances, batch);
            }
            if (unused.Count < _nCategories) unused = ResetPool();
            batches[b] = [.. batch];
        }
        return batches;
    }

    /// <summary>n_labels labels of one category, unused ones first; marks them used.</summary>
    private long[] DrawLabels(Random rng, int category, Dictionary<int, List<long>> unused)
    {
        var fresh = unused[category];
        long[] drawn;
        if (fresh.Count >= _nLabels)
        {
            drawn = SamplerRandom.Choose(rng, fresh, _nLabels);
        }
        else
        {
            var used = _data.LabelsOf[category].Except(fresh).ToArray();
            drawn = [.. fresh, .. SamplerRandom.Choose(rng, used, _nLabels - fresh.Count)];
        }
        fresh.RemoveAll(drawn.Contains);
        if (fresh.Count == 0) unused.Remove(category);
        return drawn;
    }

    private Dictionary<int, List<long>> ResetPool() =>
        Enumerable.Range(0, _data.Categories.Length).ToDictionary(i => i, i => _data.LabelsOf[i].ToList());
}
