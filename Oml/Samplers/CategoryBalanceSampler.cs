namespace Oml.Samplers;

/// <summary>
/// OML's <c>CategoryBalanceSampler</c>: every batch holds <c>nCategories</c> distinct categories, <c>nLabels</c>
/// labels of each and <c>nInstances</c> rows per label. Batches are drawn independently, so labels may repeat
/// across batches. Categories are drawn without replacement, weighted by their label count when
/// <c>weightCategories</c>; with <c>resampleLabels</c> a category with fewer than <c>nLabels</c> labels repeats some.
/// </summary>
public sealed class CategoryBalanceSampler : IBatchSampler
{
    private const string Name = "CategoryBalanceSampler";
    private readonly CategoryLabels _data;
    private readonly int _nCategories;
    private readonly int _nLabels;
    private readonly int _nInstances;
    private readonly bool _weightCategories;
    private readonly int _seed;

    public CategoryBalanceSampler(
        IReadOnlyList<long> labels, IReadOnlyDictionary<long, string> label2category,
        int nCategories, int nLabels, int nInstances,
        bool resampleLabels = false, bool weightCategories = true, int seed = 0)
    {
        _data = new CategoryLabels(labels, label2category, nCategories, nLabels, nInstances, Name);
        if (!resampleLabels)
            _data.ThrowIfAnyCategoryHasFewerLabelsThan(nLabels, Name,
                "Set resample_labels=true to repeat labels of small categories, or lower n_labels.");
        _nCategories = nCategories;
        _nLabels = nLabels;
        _nInstances = nInstances;
        _weightCategories = weightCategories;
        _seed = seed;
    }

    /// <summary><c>ceil(L / n_labels)</c>, as in OML (not divided by <c>n_categories</c>).</summary>
    public int BatchesPerEpoch => (_data.Groups.Count + _nLabels - 1) / _nLabels;

    /// <summary><c>n_categories · n_labels · n_instances</c>.</summary>
    public int BatchSize => _nCategories * _nLabels * _nInstances;

    public IReadOnlyList<int[]> Epoch(int epoch)
    {
        var rng = SamplerRandom.ForEpoch(_seed, epoch);
        var batches = new int[BatchesPerEpoch][];
        var labels = new List<long>(_nLabels);
        var batch = new List<int>(BatchSize);
        for (var b = 0; b < batches.Length; b++)
        {
            batch.Clear();
            foreach (var category in DrawCategories(rng))
            {
                labels.Clear();
                SamplerRandom.SmartSample(rng, _data.LabelsOf[category], _nLabels, labels);
                foreach (var label in labels)
                    SamplerRandom.SmartSample(rng, _data.Groups.IndicesOf(label), _nInstances, batch);
            }
            batches[b] = [.. batch];
        }
        return batches;
    }

    /// <summary>n_categories distinct category positions, uniform or with probability ∝ label count.</summary>
    private int[] DrawCategories(Random rng)
    {
        var all = Enumerable.Range(0, _data.Categories.Length).ToArray();
        if (!_weightCategories) return SamplerRandom.Choose(rng, all, _nCategories);
        var weights = all.Select(i => _data.LabelsOf[i].Length).ToList();
        var left = all.ToList();
        var chosen = new int[_nCategories];
        for (var k = 0; k < chosen.Length; k++)
        {
            var r = rng.Next(weights.Sum());
            var j = 0;
            while (r >= weights[j]) r -= weights[j++];
            chosen[k] = left[j];
            left.RemoveAt(j);
            weights.RemoveAt(j);
        }
        return chosen;
    }
}
