using Oml.Losses;
using Oml.Miners;

namespace Oml.Tests.Miners;

/// <summary>Golden cases T18 (with miner), T19, T20, T22 (docs/oml-golden-cases.md) for the in-batch miners.</summary>
public sealed class MinersTests
{
    private static readonly long[] T18Labels = [0, 0, 1, 1];

    private static Tensor T18X() => tensor(new float[,] { { 0, 0 }, { 0, 1 }, { 3, 0 }, { 3, 2 } });

    private static (int, int, int)[] Triplets((int[] A, int[] P, int[] N) t) =>
        t.A.Select((a, i) => (a, t.P[i], t.N[i])).ToArray();

    [Fact]
    public void T18AllTripletsWithMiner()
    {
        using var scope = NewDisposeScope();
        using var loss = new TripletLossWithMiner(0.2, new AllTripletsMiner());
        Assert.Equal(0, loss.Forward(T18X(), T18Labels).item<float>());
        Assert.Equal(0, loss.LastLogs["active_tri"]);
        Assert.Equal(1.5, loss.LastLogs["pos_dist"], 6);
        Assert.Equal(3.2325265, loss.LastLogs["neg_dist"], 1e-6);
        Assert.Equal([(0, 1, 2), (0, 1, 3), (1, 0, 2), (1, 0, 3), (2, 3, 0), (2, 3, 1), (3, 2, 0), (3, 2, 1)], Triplets(loss.LastTriplets));
        Assert.Equal(Triplets(loss.LastTriplets), Triplets(new AllTripletsMiner().Sample(T18X(), T18Labels)));
    }

    [Fact]
    public void T18HardMinerWithMiner()
    {
        using var scope = NewDisposeScope();
        using var loss = new TripletLossWithMiner(0.2, new HardTripletsMiner());
        Assert.Equal(0, loss.forward(T18X(), tensor(T18Labels)).item<float>());
        Assert.Equal([(0, 1, 2), (1, 0, 2), (2, 3, 0), (3, 2, 1)], Triplets(loss.LastTriplets));
        Assert.Equal(3.0811386, loss.LastLogs["neg_dist"], 1e-6);
        Assert.Equal(0, loss.LastLogs["active_tri"]);
    }

    [Fact]
    public void T18SoftMarginAllTriplets()
    {
        using var scope = NewDisposeScope();
        using var loss = new TripletLossWithMiner(null);
        Assert.Equal(0.182066, loss.Forward(T18X(), T18Labels).item<float>(), 5);
        Assert.Equal(1.0, loss.LastLogs["active_tri"]);
    }

    [Fact]
    public void T19HardMinerManual()
    {
        double[] d = [0, .3, .2, .4, .3, 0, .4, .8, .2, .4, 0, .5, .4, .8, .5, 0];
        var triplets = Triplets(HardTripletsMiner.SampleFromDistances(d, T18Labels));
        Assert.Equal([(0, 1, 2), (1, 0, 2), (2, 3, 0), (3, 2, 0)], triplets);
    }

    [Fact]
    public void T20NHardRanges()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 0, 1, 3, 10, 11, 14 }).view(6, 1);
        long[] labels = [0, 0, 0, 1, 1, 1];
        var triplets = Triplets(new NHardTripletsMiner(2, (2, 3)).Sample(x, labels));
        Assert.Equal(24, triplets.Length);
        Assert.Equal([(0, 2, 4), (0, 2, 5), (0, 1, 4), (0, 1, 5)], triplets.Where(t => t.Item1 == 0));
        Assert.Equal([(3, 5, 1), (3, 5, 0), (3, 4, 1), (3, 4, 0)], triplets.Where(t => t.Item1 == 3));
    }

    [Fact]
    public void NHardEqualsHardAndAllAsSets()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var x = randn(12, 4);
        long[] labels = [0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3];
        Assert.Equal(Triplets(new HardTripletsMiner().Sample(x, labels)).Order(), Triplets(new NHardTripletsMiner().Sample(x, labels)).Order());
        Assert.Equal(Triplets(new AllTripletsMiner().Sample(x, labels)).Order(), Triplets(new NHardTripletsMiner(1000, 1000).Sample(x, labels)).Order());
        // label 2 has one positive per anchor: its range (1, 2) is clipped to 1 (OML would crash only on an empty slice)
        Assert.Equal(10 * 2 * 3 + 2 * 1 * 3, new NHardTripletsMiner((1, 2), (2, 4)).Sample(x, labels).Anchors.Length);
    }

    [Fact]
    public void T22AllTripletsCount()
    {
        using var scope = NewDisposeScope();
        var labels = Enumerable.Repeat(0L, 4).Concat(Enumerable.Repeat(1L, 3)).Concat(Enumerable.Repeat(2L, 6)).Concat(Enumerable.Repeat(3L, 2)).ToArray();
        Assert.Equal(500, AllTripletsMiner.CountTriplets(labels));
        var all = Triplets(new AllTripletsMiner().Sample(zeros(15, 2), labels));
        Assert.Equal(500, all.Length);
        Assert.Equal(500, all.Distinct().Count());
        Assert.All(all, t => Assert.True(t.Item1 != t.Item2 && labels[t.Item1] == labels[t.Item2] && labels[t.Item3] != labels[t.Item1]));

        var limited = Triplets(new AllTripletsMiner(100, seed: 7).Sample(zeros(15, 2), labels));
        Assert.Equal(100, limited.Distinct().Count());
        Assert.Subset(all.ToHashSet(), limited.ToHashSet());
        Assert.Equal(limited, Triplets(new AllTripletsMiner(100, seed: 7).Sample(zeros(15, 2), labels)));
    }

    [Fact]
    public void BadBatchesNameTheLabelsAndCounts()
    {
        using var scope = NewDisposeScope();
        ITripletsMiner[] miners = [new AllTripletsMiner(), new HardTripletsMiner(), new NHardTripletsMiner()];
        foreach (var miner in miners)
        {
            var once = Assert.Throws<OmlException>(() => miner.Sample(zeros(5, 2), [0, 0, 1, 2, 2]));
            Assert.Contains("0: 2, 1: 1, 2: 2", once.Message);
            var single = Assert.Throws<OmlException>(() => miner.Sample(zeros(3, 2), [4, 4, 4]));
            Assert.Contains("4: 3", single.Message);
        }
        Assert.Throws<OmlException>(() => new NHardTripletsMiner((0, 2), 1));
        Assert.Throws<OmlException>(() => new NHardTripletsMiner((3, 2), 1));
        Assert.Throws<OmlException>(() => new AllTripletsMiner(0));
    }

    [Fact]
    public void WithMinerGradientFlowsThroughFeatures()
    {
        using var scope = NewDisposeScope();
        var x = T18X().requires_grad_();
        using var loss = new TripletLossWithMiner(5.0, new HardTripletsMiner(), LossReduction.Sum);
        loss.Forward(x, T18Labels).backward();
        Assert.True(isfinite(x.grad!).all().item<bool>());
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
    }
}
