using Oml.Samplers;

namespace Oml.Tests.Samplers;

/// <summary>The invariants OML's <c>tests/test_oml/test_samplers/test_balance.py</c> checks for its <c>oml/samplers/balance.py:
/// BalanceSampler</c>, for <see cref="BalanceSampler"/> (docs/oml-golden-cases.md, T23).</summary>
public sealed class BalanceSamplerTests
{
    /// <summary>Random labels: class sizes 2..12, some smaller than n_instances.</summary>
    private static long[] RandomLabels(int nClasses, int seed)
    {
        var rng = new Random(seed);
        var labels = new List<long>();
        for (var c = 0; c < nClasses; c++)
            labels.AddRange(Enumerable.Repeat((long)(c * 7 + 3), rng.Next(2, 13)));
        return [.. labels.OrderBy(_ => rng.Next())];
    }

    public static TheoryData<int, int, int, int> Cases => new()
    {
        { 8, 2, 2, 0 }, { 10, 3, 4, 1 }, { 25, 5, 4, 2 }, { 31, 6, 8, 3 }, { 50, 50, 2, 4 }, { 17, 2, 11, 5 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryEpochSatisfiesTheOmlInvariants(int nClasses, int nLabels, int nInstances, int seed)
    {
        var labels = RandomLabels(nClasses, seed);
        var sampler = new BalanceSampler(labels, nLabels, nInstances, seed);
        Assert.Equal(nClasses / nLabels, sampler.BatchesPerEpoch);
        Assert.Equal(nLabels * nInstances, sampler.BatchSize);
        for (var epoch = 0; epoch < 5; epoch++)
        {
            var batches = sampler.Epoch(epoch);
            Assert.Equal(sampler.BatchesPerEpoch, batches.Count);
            Assert.Equal(sampler.BatchesPerEpoch * nLabels * nInstances, batches.Sum(b => b.Length));
            var seen = new HashSet<long>();
            foreach (var batch in batches)
            {
                var counts = batch.GroupBy(i => labels[i]).ToDictionary(g => g.Key, g => g.Count());
                Assert.Equal(nLabels, counts.Count);
                Assert.All(counts.Values, c => Assert.Equal(nInstances, c));
                Assert.All(counts.Keys, l => Assert.True(seen.Add(l), $"label {l} repeats across batches"));
                Assert.True(batch.Distinct().Count() >= 4);
                AssertContiguousPerLabel(batch, labels, nInstances);
            }
            Assert.InRange(seen.Count, nClasses - nLabels + 1, nClasses);
        }
    }

    private static void AssertContiguousPerLabel(int[] batch, long[] labels, int nInstances)
    {
        for (var start = 0; start < batch.Length; start += nInstances)
            Assert.Single(batch.Skip(start).Take(nInstances).Select(i => labels[i]).Distinct());
    }

    [Fact]
    public void OmlExampleHasTwoBatchesAndUpsamplesTheSmallClass()
    {
        long[] labels = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2];
        var sampler = new BalanceSampler(labels, nLabels: 2, nInstances: 3, seed: 0);
        Assert.Equal(2, sampler.BatchesPerEpoch);
        for (var epoch = 0; epoch < 20; epoch++)
        {
            foreach (var batch in sampler.Epoch(epoch))
            {
                Assert.Equal(6, batch.Length);
                var label3 = batch.Where(i => labels[i] == 3).ToArray();
                if (label3.Length == 0) continue;
                // label 3 has rows 3 and 7: both appear, one of them twice
                Assert.Equal(3, label3.Length);
                Assert.Equal([3, 7], label3.Distinct().Order());
            }
        }
    }

    [Fact]
    public void OmlExampleBatchesArePinnedForSeedZero()
    {
        // System.Random(int) is a fixed algorithm: a resumed run on a later build gets these batches again
        long[] labels = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2];
        var batches = new BalanceSampler(labels, nLabels: 2, nInstances: 3, seed: 0).Epoch(0);
        Assert.Equal("0,4,8,6,2,10 | 3,7,7,5,9,1", string.Join(" | ", batches.Select(b => string.Join(",", b))));
    }

    [Fact]
    public void SmallClassesAreUpsampledWithAllTheirRows()
    {
        long[] labels = [0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2];
        var sampler = new BalanceSampler(labels, nLabels: 3, nInstances: 5, seed: 7);
        var batch = Assert.Single(sampler.Epoch(0));
        var byLabel = batch.GroupBy(i => labels[i]).ToDictionary(g => g.Key, g => g.ToArray());
        Assert.Equal([0, 1], byLabel[0].Distinct().Order());
        Assert.Equal([2, 3, 4], byLabel[1].Distinct().Order());
        Assert.Equal(5, byLabel[2].Distinct().Count()); // large enough: no repeats
    }

    [Fact]
    public void TenLabelsWithThreePerBatchGiveOneBatch() =>
        Assert.Equal(1, new BalanceSampler([0, 0, 1, 1, 2, 2, 3, 3, 4, 4], 3, 2, 0).BatchesPerEpoch);

    [Fact]
    public void SameSeedAndEpochGiveIdenticalBatches()
    {
        var labels = RandomLabels(30, 11);
        var a = new BalanceSampler(labels, 4, 3, seed: 42);
        var b = new BalanceSampler(labels, 4, 3, seed: 42);
        Assert.Equal(a.Epoch(3), b.Epoch(3));
        Assert.Equal(a.Epoch(3), a.Epoch(3));
        // a resumed run asks for epoch 3 without having drawn epochs 0..2
        var resumed = new BalanceSampler(labels, 4, 3, seed: 42);
        _ = a.Epoch(0);
        Assert.Equal(a.Epoch(3), resumed.Epoch(3));
    }

    [Fact]
    public void DifferentEpochsAndSeedsDiffer()
    {
        var labels = RandomLabels(30, 11);
        var a = new BalanceSampler(labels, 4, 3, seed: 42);
        Assert.NotEqual(a.Epoch(0), a.Epoch(1));
        Assert.NotEqual(a.Epoch(0), new BalanceSampler(labels, 4, 3, seed: 43).Epoch(0));
    }

    [Fact]
    public void NegativeEpochIsAProgrammingError() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BalanceSampler([0, 0, 1, 1], 2, 2, 0).Epoch(-1));

    [Theory]
    [InlineData(20, "BalanceSampler: n_labels=20 but the train split has 8 labels; n_labels must be between 2 and 8")]
    [InlineData(1, "BalanceSampler: n_labels=1 but the train split has 8 labels; n_labels must be between 2 and 8")]
    public void NLabelsOutOfRangeIsAUserError(int nLabels, string expectedStart)
    {
        long[] labels = [.. Enumerable.Range(0, 16).Select(i => (long)(i % 8))];
        var e = Assert.Throws<OmlException>(() => new BalanceSampler(labels, nLabels, 2, 0));
        Assert.StartsWith(expectedStart, e.Message);
    }

    [Fact]
    public void NInstancesBelowTwoIsAUserError()
    {
        var e = Assert.Throws<OmlException>(() => new BalanceSampler([0, 0, 1, 1], 2, 1, 0));
        Assert.Equal("BalanceSampler: n_instances=1 but it must be at least 2 (each label needs a positive pair in a batch)", e.Message);
    }

    [Fact]
    public void LabelsWithOneSampleAreListedWithTheirCounts()
    {
        var e = Assert.Throws<OmlException>(() => new BalanceSampler([0, 0, 5, 1, 1, 9, 2, 2], 2, 2, 0));
        Assert.Equal(
            "BalanceSampler: every label needs at least 2 samples (a positive pair), but 2 label(s) have only 1: 5 (1), 9 (1). Drop or merge these labels in the train split.",
            e.Message);
        Assert.Equal(["label 5: 1 sample", "label 9: 1 sample"], e.Details);
    }

    [Fact]
    public void ASingleLabelIsAUserError()
    {
        var e = Assert.Throws<OmlException>(() => new BalanceSampler([4, 4, 4], 2, 2, 0));
        Assert.Equal("BalanceSampler: the train split has 1 label; a batch needs at least 2 distinct labels to have negatives", e.Message);
    }

    [Fact]
    public void AnEmptySplitIsAUserError()
    {
        var e = Assert.Throws<OmlException>(() => new BalanceSampler([], 2, 2, 0));
        Assert.Equal("BalanceSampler: the train split is empty; a sampler needs labelled rows to build batches", e.Message);
    }
}
