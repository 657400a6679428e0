using Oml;
using Oml.Miners;

namespace Oml.Tests.Miners;

/// <summary>Golden counts T22 (docs/oml-golden-cases.md) for <see cref="TripletMinerWithMemory"/>, and quirk Q5 (docs/oml-quirks.md).</summary>
public sealed class TripletMinerWithMemoryTests
{
    private const int P = 10, K = 4, Originals = P * (P - 1) * (K - 1) * K * K;

    private static long[] BalancedLabels(Random random) =>
        Enumerable.Range(0, 30).OrderBy(_ => random.Next()).Take(P).SelectMany(l => Enumerable.Repeat((long)l, K)).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void T22FirstEpochCountIsExactlyKTimesOriginals(int k)
    {
        Assert.Equal(4320, Originals);
        var miner = new TripletMinerWithMemory(bankSizeInBatches: 3, triExpandK: k, seed: 0);
        var random = new Random(1);
        for (var batch = 0; batch < 5; batch++)
        {
            using var scope = NewDisposeScope();
            // As BalanceSampler: the first epoch (batches 0-2) uses every one of the 30 labels once.
            var labels = batch < 3
                ? Enumerable.Range(batch * P, P).SelectMany(l => Enumerable.Repeat((long)l, K)).ToArray()
                : BalancedLabels(random);
            var (a, p, n) = miner.SampleTensors(randn(P * K, 8), labels);
            foreach (var t in new[] { p, n }) Assert.Equal(a.shape, t.shape);
            Assert.Equal(Originals, miner.LastIsOriginal.Count(x => x));
            Assert.True(miner.LastIsOriginal.SkipWhile(x => !x).All(x => x), "the originals are the last block");
            if (batch < 3) Assert.Equal(k * Originals, (int)a.shape[0]);
            else Assert.True(a.shape[0] > 0.9 * k * Originals);
        }
    }

    [Fact]
    public void Q5BankOfOneBatchDoesNotHang()
    {
        var miner = new TripletMinerWithMemory(bankSizeInBatches: 1, triExpandK: 3, seed: 0);
        var random = new Random(2);
        using var scope = NewDisposeScope();
        var (a, _, _) = miner.SampleTensors(randn(P * K, 8), BalancedLabels(random));
        // No bank label occurs twice yet: part 2 is empty, part 3 has n·(k−1)/2 triplets.
        Assert.Equal(Originals + Originals, (int)a.shape[0]);
        var (a2, _, _) = miner.SampleTensors(randn(P * K, 8), BalancedLabels(random));
        Assert.True(a2.shape[0] > 0.9 * 3 * Originals);
    }

    [Fact]
    public void GradientsFlowToTheBatchOnly()
    {
        var miner = new TripletMinerWithMemory(2, 3, seed: 0);
        using var scope = NewDisposeScope();
        var x = randn(P * K, 8).requires_grad_(true);
        var (a, p, n) = miner.SampleTensors(x, BalancedLabels(new Random(3)));
        (a.sum() + p.sum() + n.sum()).backward();
        Assert.NotNull(x.grad);
    }

    [Fact]
    public void BatchSizeMustStayTheSame()
    {
        var miner = new TripletMinerWithMemory(2, 2, seed: 0);
        using var scope = NewDisposeScope();
        miner.SampleTensors(randn(4, 3), [0, 0, 1, 1]);
        var ex = Assert.Throws<OmlException>(() => miner.SampleTensors(randn(6, 3), [0, 0, 1, 1, 2, 2]));
        Assert.Contains("first batch's size 4", ex.Message);
        Assert.Throws<OmlException>(() => new TripletMinerWithMemory(2, 0));
    }
}
