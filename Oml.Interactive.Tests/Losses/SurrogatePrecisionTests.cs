using Oml.Losses;

namespace Oml.Tests.Losses;

/// <summary>Golden case T26 and the exact-precision limit (T4) of SurrogatePrecision (docs/oml-golden-cases.md).</summary>
public sealed class SurrogatePrecisionTests
{
    [Theory]
    [InlineData(1, 0.279983)]
    [InlineData(2, 0.129142)]
    public void T26Golden(int k, double expected)
    {
        using var scope = NewDisposeScope();
        using var loss = new SurrogatePrecision(k);
        var f = tensor(new float[,] { { 0 }, { 1 }, { 5 }, { 6 } });
        Assert.Equal(expected, loss.forward(f, tensor(new long[] { 0, 0, 1, 1 })).item<float>(), 1e-5);
    }

    private static readonly int[][] T4GtTops =
    [
        [1, 1, 0, 1, 0], [1, 0, 0, 1, 1], [0, 1, 1, 0, 1], [0, 0, 1, 1, 1], [1, 0, 0, 0, 0], [0, 0, 0, 1, 0],
    ];

    /// <summary>
    /// T4's 6 queries as a distance matrix: row b has 0 on the diagonal and 1..5 on the other items, positives and
    /// negatives placed in the order of b's gt_tops.
    /// </summary>
    private static Tensor T4Distances(long[] labels)
    {
        var d = new double[6, 6];
        for (var b = 0; b < 6; b++)
        {
            var positives = new Queue<int>(Enumerable.Range(0, 6).Where(c => c != b && labels[c] == labels[b]));
            var negatives = new Queue<int>(Enumerable.Range(0, 6).Where(c => labels[c] != labels[b]));
            for (var j = 0; j < 5; j++)
                d[b, T4GtTops[b][j] == 1 ? positives.Dequeue() : negatives.Dequeue()] = j + 1;
        }
        return tensor(d);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void TinyTemperaturesGiveExactPrecisionOnT4(int k)
    {
        using var scope = NewDisposeScope();
        var labels = new long[] { 0, 0, 0, 0, 1, 1 };
        var d = T4Distances(labels);
        var none = LossFunctions.SurrogatePrecisionFromDistances(d, tensor(labels), k, 1e-6, 1e-6, LossReduction.None)
            .data<double>().ToArray();
        for (var b = 0; b < 6; b++)
        {
            // the query retrieves itself first: precision@(k+1) with self counted as a hit
            var hits = 1 + T4GtTops[b].Take(k).Sum();
            var nGt = 1 + T4GtTops[b].Sum();
            var expected = (double)hits / Math.Min(nGt, k + 1);
            Assert.True(Math.Abs(1 - none[b] - expected) < 1e-3, $"query {b}, k {k}: {1 - none[b]} vs {expected}");
        }
        var mean = LossFunctions.SurrogatePrecisionFromDistances(d, tensor(labels), k, 1e-6, 1e-6).item<double>();
        Assert.Equal(1 - none.Select(v => 1 - v).Average(), mean, 1e-9);
    }

    [Fact]
    public void TinyTemperaturesOnFeatures()
    {
        using var scope = NewDisposeScope();
        // 1-d points: query 0 sees 1 (same), 2 (other), 3 (same); k=1 → P = 2/2, k=2 → (1+1)/3
        var f = tensor(new double[,] { { 0 }, { 1 }, { 2.5 }, { 4 } });
        var y = tensor(new long[] { 0, 0, 1, 0 });
        var none = LossFunctions.SurrogatePrecision(f, y, 2, 1e-6, 1e-6, LossReduction.None).data<double>().ToArray();
        Assert.Equal(1 - 2.0 / 3, none[0], 1e-3);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<OmlException>(() => new SurrogatePrecision(0));
        Assert.Throws<OmlException>(() => new SurrogatePrecision(1, temperature1: 0));
        Assert.Throws<OmlException>(() => new SurrogatePrecision(1, temperature2: double.NaN));
        using var scope = NewDisposeScope();
        Assert.Throws<OmlException>(() => LossFunctions.SurrogatePrecision(ones(3, 2), tensor(new long[] { 0, 1 }), 1));
    }

    [Fact]
    public void GradientIsFinite()
    {
        using var scope = NewDisposeScope();
        var f = randn(6, 3).requires_grad_();
        new SurrogatePrecision(2).forward(f, tensor(new long[] { 0, 0, 1, 1, 2, 2 })).backward();
        Assert.True(isfinite(f.grad!).all().item<bool>());
    }
}
