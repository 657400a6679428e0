using Oml.Losses;
using Oml.Miners;

namespace Oml.Tests.Losses;

/// <summary>
/// Which form <see cref="TripletLossWithMiner"/> takes: miners that pick batch rows get the loss from the batch's distance
/// matrix (no triplet rows are gathered), with the values, gradients, logs and ids of the gather form.
/// </summary>
public sealed class TripletLossWithMinerTests
{
    /// <summary>Picks rows like <see cref="AllTripletsMiner"/> but refuses to build triplet tensors.</summary>
    private sealed class IdsOnlyMiner : ITripletsMiner
    {
        public (int[] Anchors, int[] Positives, int[] Negatives) Sample(Tensor features, IReadOnlyList<long> labels) =>
            new AllTripletsMiner().Sample(features, labels);

        MinedTriplets ITripletMiner.Mine(Tensor features, IReadOnlyList<long> labels) =>
            throw new InvalidOperationException("a row-picking miner's triplet rows were gathered");
    }

    /// <summary>A user's miner through <see cref="ITripletMiner.Mine"/> that names batch rows (hard triplets) and logs something.</summary>
    private sealed class RowsWithLogsMiner : ITripletMiner
    {
        public MinedTriplets Mine(Tensor features, IReadOnlyList<long> labels)
        {
            var (a, p, n) = new HardTripletsMiner().Sample(features, labels);
            return MinedTriplets.FromIds(features, a, p, n) with { Logs = new Dictionary<string, double> { ["mine"] = 7 } };
        }
    }

    private static readonly long[] EightByEight = Enumerable.Range(0, 64).Select(i => (long)(i / 8)).ToArray();

    /// <summary>The gather form of the same triplets: loss, gradient w.r.t. <paramref name="x0"/>, logs.</summary>
    private static (float Loss, float[] Gradient, Dictionary<string, double> Logs) Gather(Tensor x0, (int[] A, int[] P, int[] N) ids, double? margin)
    {
        using var scope = NewDisposeScope();
        var x = x0.detach().clone().requires_grad_();
        var mined = MinedTriplets.FromIds(x, ids.A, ids.P, ids.N);
        var logs = new Dictionary<string, double>();
        var loss = LossFunctions.Triplet(mined.Anchors, mined.Positives, mined.Negatives, margin, LossReduction.Mean, logs);
        loss.backward();
        return (loss.item<float>(), x.grad!.data<float>().ToArray(), logs);
    }

    private static (float Loss, float[] Gradient) Module(TripletLossWithMiner criterion, Tensor x0, long[] labels)
    {
        using var scope = NewDisposeScope();
        var x = x0.detach().clone().requires_grad_();
        var loss = criterion.forward(x, tensor(labels));
        loss.backward();
        return (loss.item<float>(), x.grad!.data<float>().ToArray());
    }

    private static void AssertClose(float[] expected, float[] actual, double relative)
    {
        var scale = expected.Max(Math.Abs);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= relative * scale, $"largest difference {worst:G3} against a scale of {scale:G3}");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0.2)]
    public void Main_job_shape_all_triplets_equals_the_gather_form(double? margin)
    {
        using var scope = NewDisposeScope();
        var x = randn(64, 512, generator: new Generator(16));
        using var criterion = new TripletLossWithMiner(margin, new IdsOnlyMiner());

        var (loss, gradient) = Module(criterion, x, EightByEight);

        Assert.Equal(25_088, criterion.LastTriplets.Anchors.Length);   // 8 labels x 8: 64 · 7 · 56
        var expected = Gather(x, criterion.LastTriplets, margin);
        Assert.Equal(expected.Loss, loss, 1e-5 * Math.Max(1, expected.Loss));
        AssertClose(expected.Gradient, gradient, 2e-4);
        foreach (var key in new[] { "active_tri", "pos_dist", "neg_dist" })
            Assert.Equal(expected.Logs[key], criterion.LastLogs[key], 1e-5 * Math.Max(1, expected.Logs[key]));
    }

    [Fact]
    public void A_miner_of_its_own_that_names_rows_gets_the_same_loss_and_keeps_its_logs()
    {
        using var scope = NewDisposeScope();
        var x = randn(16, 8, generator: new Generator(5));
        long[] labels = [.. Enumerable.Range(0, 16).Select(i => (long)(i % 4))];
        using var criterion = new TripletLossWithMiner(0.2, new RowsWithLogsMiner());

        var (loss, gradient) = Module(criterion, x, labels);

        var ids = new HardTripletsMiner().Sample(x, labels);
        Assert.Equal(ids.Anchors, criterion.LastTriplets.Anchors);
        Assert.Equal(ids.Positives, criterion.LastTriplets.Positives);
        Assert.Equal(ids.Negatives, criterion.LastTriplets.Negatives);
        var expected = Gather(x, ids, 0.2);
        Assert.Equal(expected.Loss, loss, 1e-6);
        AssertClose(expected.Gradient, gradient, 1e-5);
        Assert.Equal(7, criterion.LastLogs["mine"]);
        Assert.Equal(expected.Logs["neg_dist"], criterion.LastLogs["neg_dist"], 1e-6);
    }

    [Fact]
    public void No_triplets_from_a_row_picking_miner_is_a_user_error_naming_the_ranges()
    {
        using var scope = NewDisposeScope();
        using var criterion = new TripletLossWithMiner(0.2, new NHardTripletsMiner((3, 4), 1));
        var error = Assert.Throws<OmlException>(() => criterion.forward(randn(4, 2), tensor(new long[] { 0, 0, 1, 1 })));
        Assert.Contains("NHardTripletsMiner mined no triplets from a batch of 4; check the miner's ranges", error.Message);
    }
}
