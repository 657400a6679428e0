using Oml.Functional;
using Oml.Losses;
using Oml.Miners;

namespace Oml.Tests.Losses;

/// <summary>Loss forwards and miners leave only their result tensor alive (the count is per thread).</summary>
public sealed class LossTensorLeakTests
{
    private static long LiveTensors() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    [Fact]
    public void LossesAndMinersLeaveOnlyTheirResult()
    {
        using var features = randn(8, 4);
        using var labels = tensor(new long[] { 0, 0, 1, 1, 2, 2, 0, 1 });
        using var triplet = new TripletLossWithMiner(0.2, new NHardTripletsMiner(2, (1, 3)));
        using var hard = new TripletLossWithMiner(null, new HardTripletsMiner());
        using var arcFace = new ArcFaceLoss(4, 3, smoothingEpsilon: 0.1, label2Category: new Dictionary<long, string> { [0] = "a", [1] = "a", [2] = "b" });
        Func<Tensor>[] calls =
        [
            () => triplet.forward(features, labels),
            () => hard.forward(features, labels),
            () => arcFace.forward(features, labels),
            () => LossFunctions.LabelSmoothing(labels, 3, 0.2),
            () => Distances.Pairwise(features, features),
        ];
        foreach (var call in calls) call().Dispose(); // warm-up
        var before = LiveTensors();
        foreach (var call in calls) call().Dispose();
        new AllTripletsMiner(10).Sample(features, [0, 0, 1, 1, 2, 2, 0, 1]);
        Assert.Equal(before, LiveTensors());
    }
}
