using Oml.Metrics;

namespace Oml.Tests.Metrics;

public sealed class FloatRadixSortTests
{
    [Fact]
    public void SortsLikeArraySortIncludingNegativesZerosAndInfinities()
    {
        var rng = new Random(4);
        var values = Enumerable.Range(0, 5000).Select(_ => (float)(rng.NextDouble() * 200 - 50)).ToList();
        values.AddRange([0f, -0f, float.PositiveInfinity, float.NegativeInfinity, 1e-38f, -1e-38f, 3f, 3f, float.Epsilon]);
        var expected = values.ToArray();
        Array.Sort(expected);
        var sorted = values.ToArray();
        FloatRadixSort.Sort(sorted, sorted.Length);
        Assert.Equal(expected.Select(v => v == 0 ? 0f : v), sorted.Select(v => v == 0 ? 0f : v));
    }

    [Fact]
    public void SortsOnlyThePrefix()
    {
        float[] values = [3, 1, 2, 0, -5];
        FloatRadixSort.Sort(values, 3);
        Assert.Equal([1f, 2, 3, 0, -5], values);
    }
}
