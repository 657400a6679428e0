using Oml.Samplers;

namespace Oml.Tests.Samplers;

/// <summary>OML's <c>oml/samplers/category_balance.py: CategoryBalanceSampler</c> and golden case T23 (docs/oml-golden-cases.md)
/// for <see cref="CategoryBalanceSampler"/>.</summary>
public sealed class CategoryBalanceSamplerTests
{
    public static TheoryData<int[], int, int, int, bool> Cases => new()
    {
        { [3, 4, 5], 1, 2, 2, true },
        { [3, 4, 5], 2, 3, 3, false },
        { [6, 6, 6, 6], 3, 4, 2, true },
        { [10, 3], 2, 3, 5, false },
        { [8, 7, 9, 12, 5], 4, 5, 3, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryBatchHasNCategoriesWithNLabelsOfNInstances(int[] labelsPerCategory, int nCategories, int nLabels, int nInstances, bool weight)
    {
        var (labels, l2c) = CategorySamplerData.Make(labelsPerCategory, seed: nLabels);
        var sampler = new CategoryBalanceSampler(labels, l2c, nCategories, nLabels, nInstances, weightCategories: weight, seed: 3);
        var nDistinctLabels = labelsPerCategory.Sum();
        Assert.Equal((nDistinctLabels + nLabels - 1) / nLabels, sampler.BatchesPerEpoch);
        Assert.Equal(nCategories * nLabels * nInstances, sampler.BatchSize);
        for (var epoch = 0; epoch < 4; epoch++)
        {
            var batches = sampler.Epoch(epoch);
            Assert.Equal(sampler.BatchesPerEpoch, batches.Count);
            foreach (var batch in batches)
                CategorySamplerData.AssertBatch(batch, labels, l2c, nCategories, nLabels, nInstances, exactLabels: true);
        }
    }

    [Fact]
    public void ResamplingLabelsOfSmallCategoriesRepeatsThem()
    {
        var (labels, l2c) = CategorySamplerData.Make([2, 6, 1], seed: 5);
        var sampler = new CategoryBalanceSampler(labels, l2c, nCategories: 2, nLabels: 4, nInstances: 2, resampleLabels: true, seed: 1);
        var repeated = false;
        for (var epoch = 0; epoch < 4; epoch++)
        {
            foreach (var batch in sampler.Epoch(epoch))
            {
                CategorySamplerData.AssertBatch(batch, labels, l2c, 2, 4, 2, exactLabels: false);
                repeated |= batch.GroupBy(i => labels[i]).Any(g => g.Count() > 2);
            }
        }
        Assert.True(repeated, "a category with fewer than n_labels labels must repeat some");
    }

    [Fact]
    public void OmlExampleHasThreeBatchesOfFour()
    {
        var labels = CategorySamplerData.ExampleLabels;
        var l2c = CategorySamplerData.ExampleLabel2Category;
        var sampler = new CategoryBalanceSampler(labels, l2c, nCategories: 1, nLabels: 2, nInstances: 2, seed: 0);
        Assert.Equal(3, sampler.BatchesPerEpoch);
        Assert.Equal(4, sampler.BatchSize);
        Assert.All(sampler.Epoch(0), b => CategorySamplerData.AssertBatch(b, labels, l2c, 1, 2, 2, exactLabels: true));
    }

    [Theory]
    [InlineData(true, 0.75, 0.95)]
    [InlineData(false, 0.35, 0.65)]
    public void CategoriesAreWeightedByTheirLabelCountWhenAsked(bool weight, double low, double high)
    {
        var (labels, l2c) = CategorySamplerData.Make([9, 2], seed: 2);
        var sampler = new CategoryBalanceSampler(labels, l2c, 1, 2, 2, weightCategories: weight, seed: 9);
        var batches = Enumerable.Range(0, 40).SelectMany(sampler.Epoch).ToArray();
        var share = batches.Count(b => l2c[labels[b[0]]] == "cat0") / (double)batches.Length;
        Assert.InRange(share, low, high); // weighted: 9/11 ≈ 0.82, uniform: 0.5
    }

    [Fact]
    public void SameSeedAndEpochGiveIdenticalBatchesAndEpochsDiffer()
    {
        var (labels, l2c) = CategorySamplerData.Make([5, 6, 7], seed: 4);
        var a = new CategoryBalanceSampler(labels, l2c, 2, 3, 2, seed: 8);
        var b = new CategoryBalanceSampler(labels, l2c, 2, 3, 2, seed: 8);
        Assert.Equal(a.Epoch(2), b.Epoch(2));
        Assert.NotEqual(a.Epoch(0), a.Epoch(1));
    }

    [Fact]
    public void T23_CategoryWithTooFewLabelsIsAUserError()
    {
        var e = Assert.Throws<OmlException>(() => new CategoryBalanceSampler(
            CategorySamplerData.T23Labels, CategorySamplerData.T23Label2Category, nCategories: 2, nLabels: 3, nInstances: 2, resampleLabels: false));
        Assert.Equal(
            "CategoryBalanceSampler: All the categories must have at least 3 unique labels (n_labels=3), but category '1' has 2. Set resample_labels=true to repeat labels of small categories, or lower n_labels.",
            e.Message);
        Assert.Equal(["category '1': 2 label(s) (4, 5)"], e.Details);
    }

    [Fact]
    public void T23_ResamplingLabelsAcceptsTheShortCategory()
    {
        var labels = CategorySamplerData.T23Labels;
        var l2c = CategorySamplerData.T23Label2Category;
        var sampler = new CategoryBalanceSampler(labels, l2c, 2, 3, 2, resampleLabels: true, seed: 0);
        Assert.All(sampler.Epoch(0), b => CategorySamplerData.AssertBatch(b, labels, l2c, 2, 3, 2, exactLabels: false));
    }
}
