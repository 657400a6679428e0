using Oml;
using Oml.Losses;
using Oml.Miners;

namespace Oml.Tests.Miners;

/// <summary>Golden case T21 (docs/oml-golden-cases.md) for <see cref="HardClusterMiner"/>.</summary>
public sealed class HardClusterMinerTests
{
    [Fact]
    public void T21LabelsMask()
    {
        var mask = HardClusterMiner.LabelsMask([0, 0, 1, 2, 2, 1]);
        bool[,] expected = { { true, true, false, false, false, false }, { false, false, true, false, false, true }, { false, false, false, true, true, false } };
        Assert.Equal(expected, mask);
    }

    [Fact]
    public void T21IntraLabelSquaredDistances()
    {
        using var scope = NewDisposeScope();
        var x1 = tensor(new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 3, 0, 3, 0, 1, 0, 6, 0, 1, 0, 3, 0, 1 }).view(2, 3, 4);
        Assert.Equal([1f, 1, 4, 1, 4, 1], HardClusterMiner.IntraLabelSquaredDistances(x1).flatten().data<float>().ToArray());
        var x2 = tensor(new float[] { 1, 1, 1, 1, 3, 1, 2, 2, 6, 2, 6, 2, 3, 3, 3, 3, 3, 9 }).view(3, 2, 3);
        Assert.Equal([1f, 1, 8, 8, 9, 9], HardClusterMiner.IntraLabelSquaredDistances(x2).flatten().data<float>().ToArray());
    }

    [Fact]
    public void T21OutputShapes()
    {
        using var scope = NewDisposeScope();
        long[] labels = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3];
        var (a, p, n) = new HardClusterMiner().SampleTensors(randn(12, 128, generator: new TorchSharp.torch.Generator(0)), labels);
        foreach (var t in new[] { a, p, n }) Assert.Equal([4L, 128], t.shape);
    }

    [Fact]
    public void T21TwoDimensionalExample()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[,] { { 0, 0 }, { 0, 2 }, { 5, 0 }, { 5, 4 } });
        var (a, p, n) = new HardClusterMiner().SampleTensors(x, [0, 0, 1, 1]);
        Assert.Equal([0f, 1, 5, 2], a.flatten().data<float>().ToArray());
        Assert.Equal([0f, 0, 5, 0], p.flatten().data<float>().ToArray());
        Assert.Equal([5f, 2, 0, 1], n.flatten().data<float>().ToArray());
    }

    [Fact]
    public void ShuffledLabelsGroupBySortedLabel()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[,] { { 5, 4 }, { 0, 0 }, { 5, 0 }, { 0, 2 } });
        var (a, p, n) = new HardClusterMiner().SampleTensors(x, [1, 0, 1, 0]);
        Assert.Equal([0f, 1, 5, 2], a.flatten().data<float>().ToArray());
        Assert.Equal([0f, 0, 5, 4], p.flatten().data<float>().ToArray());
        Assert.Equal([5f, 2, 0, 1], n.flatten().data<float>().ToArray());
    }

    [Fact]
    public void UnequalLabelCountsNameTheCounts()
    {
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<OmlException>(() => new HardClusterMiner().SampleTensors(zeros(5, 2), [0, 0, 0, 1, 1]));
        Assert.Contains("equal number of samples for each label", ex.Message);
        Assert.Contains("{0: 3, 1: 2}", ex.Message);
    }

    [Fact]
    public void WorksInTripletLossWithMinerWithGradients()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[,] { { 0, 0 }, { 0, 2 }, { 5, 0 }, { 5, 4 } }).requires_grad_(true);
        using var loss = new TripletLossWithMiner(10.0, new HardClusterMiner());
        var value = loss.Forward(x, [0, 0, 1, 1]);
        // anchors (0,1),(5,2); positives (0,0),(5,0) at distance 1 and 2; negatives at sqrt(26).
        var expected = ((1 - Math.Sqrt(26) + 10) + (2 - Math.Sqrt(26) + 10)) / 2;
        Assert.Equal(expected, value.item<float>(), 4);
        value.backward();
        Assert.NotNull(x.grad);
        Assert.IsType<HardClusterMiner>(loss.Miner);
        Assert.Equal(([], [], []), loss.LastTriplets);   // class means are not batch rows: no ids
    }
}
