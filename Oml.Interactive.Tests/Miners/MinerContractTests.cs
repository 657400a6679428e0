using Oml.Losses;
using Oml.Miners;

namespace Oml.Tests.Miners;

/// <summary>One contract between miners and the triplet loss: row-picking miners, point-building miners and a user's own.</summary>
public sealed class MinerContractTests
{
    /// <summary>A user's miner: one triplet of points it builds (the batch's first row, its second, the third moved by 1).</summary>
    private sealed class ShiftedNegativeMiner : ITripletMiner
    {
        public MinedTriplets Mine(Tensor features, IReadOnlyList<long> labels) =>
            new(features[..1], features[1..2], features[2..3] + 1) { Logs = new Dictionary<string, double> { ["shifted"] = 1 } };
    }

    [Fact]
    public void A_miner_of_its_own_feeds_the_loss_with_its_points_and_logs()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 0, 0, 3, 4, 0, 1 }, [3, 2], requires_grad: true);
        using var loss = new TripletLossWithMiner(0.5, new ShiftedNegativeMiner());

        var value = loss.forward(x, tensor(new long[] { 0, 0, 1 }));

        // d(a, p) = 5, d(a, n) = |(1, 2)| = sqrt(5): relu(0.5 + 5 - sqrt 5)
        Assert.Equal(0.5 + 5 - Math.Sqrt(5), value.item<float>(), 4);
        Assert.Equal(1, loss.LastLogs["shifted"]);
        Assert.Equal(([], [], []), loss.LastTriplets);
        value.backward();
        Assert.NotNull(x.grad);
    }

    [Fact]
    public void A_row_picking_miner_gives_its_ids_and_the_same_rows_as_tensors()
    {
        using var scope = NewDisposeScope();
        var x = randn(6, 4);
        long[] labels = [0, 0, 1, 1, 2, 2];
        ITripletMiner miner = new AllTripletsMiner();

        var mined = miner.Mine(x, labels);

        var (a, p, n) = mined.Ids!.Value;
        Assert.Equal(6 * 4, a.Length);   // every anchor-positive pair (6) with each of the 4 negatives
        Assert.Equal(mined.Count, a.Length);
        for (var t = 0; t < a.Length; t++)
        {
            Assert.Equal(labels[a[t]], labels[p[t]]);
            Assert.NotEqual(labels[a[t]], labels[n[t]]);
            Assert.True(mined.Negatives[t].allclose(x[n[t]], 0, 0));
        }
        using var loss = new TripletLossWithMiner(0.2, miner);
        var value = loss.forward(x, tensor(labels));
        var expected = LossFunctions.Triplet(mined.Anchors, mined.Positives, mined.Negatives, 0.2);
        Assert.Equal(expected.item<float>(), value.item<float>(), 6);
        Assert.Equal(a, loss.LastTriplets.Anchors);
    }
}
