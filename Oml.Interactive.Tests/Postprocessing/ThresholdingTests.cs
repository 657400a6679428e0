using Oml.Postprocessing;
using Oml.Retrieval;

namespace Oml.Tests.Postprocessing;

/// <summary>Constant and adaptive thresholding (golden case T27 in docs/oml-golden-cases.md, and OML's quirk Q4 fixed, docs/oml-quirks.md).</summary>
public sealed class ThresholdingTests
{
    private static RetrievalResults Results(params float[][] distances)
    {
        var galleryCount = Math.Max(1, distances.Max(d => d.Length));
        return new RetrievalResults(
            distances.Select(d => Enumerable.Range(0, d.Length).ToArray()).ToArray(),
            distances,
            distances.Select(_ => new[] { 0 }).ToArray(),
            Enumerable.Range(0, distances.Length).ToArray(),
            Enumerable.Range(0, galleryCount).ToArray());
    }

    [Fact]
    public void T27_ConstantThresholdingKeepsDistancesBelowTheThreshold()
    {
        var results = Results([0, .05f, .07f, .1f, .12f, .2f, .2f, .4f], [], [.21f, .25f]);
        var cut = new ConstantThresholding(0.2f).Process(results, PostprocessingInputs.None);
        Assert.Equal([0, .05f, .07f, .1f, .12f], cut.Distances[0]);
        Assert.Equal([0, 1, 2, 3, 4], cut.Retrieved[0]);
        Assert.Empty(cut.Distances[1]);
        Assert.Empty(cut.Retrieved[2]);
        Assert.Same(results.GroundTruth, cut.GroundTruth);
        Assert.Equal(8, results.Retrieved[0].Length);
    }

    [Fact]
    public void T27_AdaptiveThresholdingCutsAtTheFirstLargeGap()
    {
        var results = Results([1, 2, 3, 4, 10, 11, 12, 13], [], [4, 5, 6, 7], [3, 4, 5, 12, 13, 14, 20, 21, 22], [100]);
        Assert.Equal(34 / 18.0, AdaptiveThresholding.MeanGap(results.Distances)!.Value, 1e-12);
        var cut = new AdaptiveThresholding(3).Process(results, PostprocessingInputs.None);
        Assert.Equal([1, 2, 3, 4], cut.Distances[0]);
        Assert.Empty(cut.Distances[1]);
        Assert.Equal([4, 5, 6, 7], cut.Distances[2]);
        Assert.Equal([3, 4, 5], cut.Distances[3]);
        Assert.Equal([0, 1, 2], cut.Retrieved[3]);
        Assert.Equal([100], cut.Distances[4]);
    }

    [Fact]
    public void T27_AdaptiveThresholdingWhenTheFirstListHasOneItem()
    {
        // OML raises ZeroDivisionError here (Q4); short lists simply contribute no gaps.
        var results = Results([100], [1, 2, 3, 4, 10, 11, 12, 13]);
        var cut = new AdaptiveThresholding(3).Process(results, PostprocessingInputs.None);
        Assert.Equal([100], cut.Distances[0]);
        Assert.Equal([1, 2, 3, 4], cut.Distances[1]); // mean gap 12/7, cut at gaps > 5.14
    }

    [Fact]
    public void AdaptiveThresholdingWithoutAnyGapReturnsTheInputUnchanged()
    {
        var results = Results([5], [], [7]);
        Assert.Null(AdaptiveThresholding.MeanGap(results.Distances));
        var cut = new AdaptiveThresholding(2.5).Process(results, PostprocessingInputs.None);
        Assert.Equal(results.Distances, cut.Distances);
        Assert.Equal(results.Retrieved, cut.Retrieved);
    }

    [Fact]
    public void InvalidArgumentsNameTheConfigPath()
    {
        Assert.Contains("postprocessor.args.n_std", Assert.Throws<OmlException>(() => new AdaptiveThresholding(0)).Message);
        Assert.Contains("postprocessor.args.n_std", Assert.Throws<OmlException>(() => new AdaptiveThresholding(double.NaN)).Message);
        Assert.Contains("postprocessor.args.th", Assert.Throws<OmlException>(() => new ConstantThresholding(float.NaN)).Message);
    }
}
