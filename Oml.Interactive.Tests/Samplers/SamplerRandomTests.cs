using Oml.Samplers;

namespace Oml.Tests.Samplers;

/// <summary>The per-epoch seed derivation and <c>smart_sample</c>.</summary>
public sealed class SamplerRandomTests
{
    [Fact]
    public void DerivedSeedsArePinned()
    {
        // pinned so that a checkpoint resumed by a later build still gets the same batches
        Assert.Equal(2065550767, SamplerRandom.DeriveSeed(0, 0));
        Assert.Equal(366367759, SamplerRandom.DeriveSeed(42, 3));
        Assert.Equal(1083505621, SamplerRandom.DeriveSeed(-1, 7));
    }

    [Fact]
    public void NeighbouringSeedsAndEpochsGetDifferentSeeds()
    {
        var seeds = from s in Enumerable.Range(-5, 11) from e in Enumerable.Range(0, 50) select SamplerRandom.DeriveSeed(s, e);
        Assert.Equal(11 * 50, seeds.Distinct().Count());
    }

    [Theory]
    [InlineData(5, 3)]
    [InlineData(5, 5)]
    [InlineData(3, 8)]
    public void SmartSampleTakesDistinctItemsOrAllThenRepeats(int n, int k)
    {
        var items = Enumerable.Range(10, n).ToArray();
        var output = new List<int>();
        SamplerRandom.SmartSample(new Random(1), items, k, output);
        Assert.Equal(k, output.Count);
        Assert.All(output, x => Assert.Contains(x, items));
        Assert.Equal(Math.Min(n, k), output.Distinct().Count());
        if (k > n) Assert.Equal(items, output.Take(n).Order()); // all items first, in random order
    }
}
