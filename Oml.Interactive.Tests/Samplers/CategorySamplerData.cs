namespace Oml.Tests.Samplers;

/// <summary>Train labels with categories for the category-sampler tests.</summary>
internal static class CategorySamplerData
{
    /// <summary>
    /// Category i gets <c>labelsPerCategory[i]</c> labels with 2..9 rows each (rows shuffled);
    /// categories are named "cat0", "cat1", ...
    /// </summary>
    public static (long[] Labels, Dictionary<long, string> Label2Category) Make(int[] labelsPerCategory, int seed)
    {
        var rng = new Random(seed);
        var labels = new List<long>();
        var label2category = new Dictionary<long, string>();
        long next = 100;
        for (var c = 0; c < labelsPerCategory.Length; c++)
        {
            for (var j = 0; j < labelsPerCategory[c]; j++, next += 3)
            {
                label2category[next] = $"cat{c}";
                labels.AddRange(Enumerable.Repeat(next, rng.Next(2, 10)));
            }
        }
        return ([.. labels.OrderBy(_ => rng.Next())], label2category);
    }

    /// <summary>Golden case T23's error case (docs/oml-golden-cases.md): category 1 has only the 2 labels 4 and 5.</summary>
    public static long[] T23Labels =>
        [.. new[] { 5, 4, 6, 5, 5, 6 }.SelectMany((count, label) => Enumerable.Repeat((long)label, count))];

    public static Dictionary<long, string> T23Label2Category =>
        new() { [0] = "0", [1] = "0", [2] = "0", [3] = "0", [4] = "1", [5] = "1" };

    /// <summary>The category-sampler example of golden case T23 (docs/oml-golden-cases.md): a = {0, 1, 2}, b = {3, 4, 5}.</summary>
    public static long[] ExampleLabels => [0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5];

    public static Dictionary<long, string> ExampleLabel2Category =>
        new() { [0] = "a", [1] = "a", [2] = "a", [3] = "b", [4] = "b", [5] = "b" };

    /// <summary>Checks T23's per-batch invariants: size, n_categories categories, labels and their counts.</summary>
    public static void AssertBatch(
        int[] batch, long[] labels, IReadOnlyDictionary<long, string> label2category,
        int nCategories, int nLabels, int nInstances, bool exactLabels)
    {
        Assert.Equal(nCategories * nLabels * nInstances, batch.Length);
        Assert.Equal(nCategories, batch.Select(i => label2category[labels[i]]).Distinct().Count());
        var counts = batch.GroupBy(i => labels[i]).ToDictionary(g => g.Key, g => g.Count());
        if (exactLabels)
        {
            Assert.Equal(nCategories * nLabels, counts.Count);
            Assert.All(counts.Values, c => Assert.Equal(nInstances, c));
        }
        else
        {
            Assert.InRange(counts.Count, 1, nCategories * nLabels);
            Assert.All(counts.Values, c => Assert.True(c >= nInstances && c % nInstances == 0));
        }
    }
}
