using Oml.Samplers;

namespace Oml.Tests.Samplers;

/// <summary>OML's <c>oml/samplers/distinct_category_balance.py: DistinctCategoryBalanceSampler</c> and golden case T23
/// (docs/oml-golden-cases.md) for <see cref="DistinctCategoryBalanceSampler"/>.</summary>
public sealed class DistinctCategoryBalanceSamplerTests
{
    public static TheoryData<int[], int, int, int, int> Cases => new()
    {
        { [3, 4, 5], 1, 2, 2, 7 },
        { [3, 4, 5], 2, 3, 3, 10 },
        { [6, 6, 6, 6], 3, 4, 2, 9 },
        { [10, 3], 2, 3, 5, 4 },
        { [8, 7, 9, 12, 5], 4, 5, 3, 20 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryBatchHasNCategoriesWithNLabelsOfNInstances(int[] labelsPerCategory, int nCategories, int nLabels, int nInstances, int epochSize)
    {
        var (labels, l2c) = CategorySamplerData.Make(labelsPerCategory, seed: nLabels);
        var sampler = new DistinctCategoryBalanceSampler(labels, l2c, nCategories, nLabels, nInstances, epochSize, seed: 3);
        Assert.Equal(epochSize, sampler.BatchesPerEpoch);
        Assert.Equal(nCategories * nLabels * nInstances, sampler.BatchSize);
        for (var epoch = 0; epoch < 4; epoch++)
        {
            var batches = sampler.Epoch(epoch);
            Assert.Equal(epochSize, batches.Count);
            foreach (var batch in batches)
                CategorySamplerData.AssertBatch(batch, labels, l2c, nCategories, nLabels, nInstances, exactLabels: true);
        }
    }

    [Fact]
    public void UnusedLabelsComeFirstUntilThePoolResets()
    {
        var (labels, l2c) = CategorySamplerData.Make([4, 4], seed: 1);
        var sampler = new DistinctCategoryBalanceSampler(labels, l2c, nCategories: 2, nLabels: 2, nInstances: 2, epochSize: 6, seed: 5);
        var batches = sampler.Epoch(0);
        // two batches use all 8 labels once, then the pool resets
        for (var start = 0; start < 6; start += 2)
        {
            var used = batches.Skip(start).Take(2).SelectMany(b => b.Select(i => labels[i]).Distinct()).ToArray();
            Assert.Equal(8, used.Length);
            Assert.Equal(8, used.Distinct().Count());
        }
    }

    [Fact]
    public void AShortCategoryIsToppedUpFromItsUsedLabels()
    {
        // cat0 has 3 labels, n_labels = 2: batch 0 takes 2, batch 1 takes the last unused one plus one used one
        var (labels, l2c) = CategorySamplerData.Make([3], seed: 2);
        var sampler = new DistinctCategoryBalanceSampler(labels, l2c, nCategories: 1, nLabels: 2, nInstances: 2, epochSize: 2, seed: 0);
        var batches = sampler.Epoch(0);
        var first = batches[0].Select(i => labels[i]).Distinct().ToArray();
        var second = batches[1].Select(i => labels[i]).Distinct().ToArray();
        Assert.Equal(3, first.Union(second).Count());
        Assert.Single(first.Intersect(second));
    }

    [Fact]
    public void OmlExampleHasThreeBatchesOfEight()
    {
        var labels = CategorySamplerData.ExampleLabels;
        var l2c = CategorySamplerData.ExampleLabel2Category;
        var sampler = new DistinctCategoryBalanceSampler(labels, l2c, nCategories: 2, nLabels: 2, nInstances: 2, epochSize: 3, seed: 0);
        var batches = sampler.Epoch(0);
        Assert.Equal(3, batches.Count);
        Assert.All(batches, b => CategorySamplerData.AssertBatch(b, labels, l2c, 2, 2, 2, exactLabels: true));
    }

    [Fact]
    public void SameSeedAndEpochGiveIdenticalBatchesAndEpochsDiffer()
    {
        var (labels, l2c) = CategorySamplerData.Make([5, 6, 7], seed: 4);
        var a = new DistinctCategoryBalanceSampler(labels, l2c, 2, 3, 2, epochSize: 8, seed: 8);
        var b = new DistinctCategoryBalanceSampler(labels, l2c, 2, 3, 2, epochSize: 8, seed: 8);
        Assert.Equal(a.Epoch(5), b.Epoch(5));
        Assert.NotEqual(a.Epoch(0), a.Epoch(1));
    }

    [Fact]
    public void T23_CategoryWithTooFewLabelsIsAUserError()
    {
        var e = Assert.Throws<OmlException>(() => new DistinctCategoryBalanceSampler(
            CategorySamplerData.T23Labels, CategorySamplerData.T23Label2Category, nCategories: 2, nLabels: 3, nInstances: 2, epochSize: 20));
        Assert.Equal(
            "DistinctCategoryBalanceSampler: All the categories must have at least 3 unique labels (n_labels=3), but category '1' has 2. Lower n_labels or give the short categories more labels.",
            e.Message);
        Assert.Equal(["category '1': 2 label(s) (4, 5)"], e.Details);
    }

    [Fact]
    public void EpochSizeBelowOneIsAUserError()
    {
        var e = Assert.Throws<OmlException>(() => new DistinctCategoryBalanceSampler(
            CategorySamplerData.ExampleLabels, CategorySamplerData.ExampleLabel2Category, 1, 2, 2, epochSize: 0));
        Assert.Equal("DistinctCategoryBalanceSampler: epoch_size=0 but it must be at least 1 (the number of batches per epoch)", e.Message);
    }
}
