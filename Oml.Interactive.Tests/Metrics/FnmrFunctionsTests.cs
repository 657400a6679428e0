using Oml.Metrics.Functional;
using Oml.Retrieval;

namespace Oml.Tests.Metrics;

/// <summary>numpy-compatible quantile and exact FNMR@FMR (golden cases T8, T9 in docs/oml-golden-cases.md).</summary>
public sealed class FnmrFunctionsTests
{
    private static readonly float[] Positive = [0, 0, 1, 1, 2, 2, 5, 5, 9, 9];
    private static readonly float[] Negative = [3, 3, 4, 4, 6, 6, 7, 7, 8, 8];

    [Theory]
    // np.quantile([3,3,4,4,6,6,7,7,8,8], q)
    [InlineData(0.0, 3.0)]
    [InlineData(0.1, 3.0)]
    [InlineData(0.25, 4.0)]
    [InlineData(0.5, 6.0)]
    [InlineData(0.3, 4.0)]
    [InlineData(0.35, 4.300000000000001)]
    [InlineData(0.95, 8.0)]
    [InlineData(1.0, 8.0)]
    public void QuantileInterpolatesLinearlyLikeNumpy(double q, double expected) =>
        Assert.Equal(expected, FnmrFunctions.Quantile(Negative, q), 1e-12);

    [Fact]
    public void QuantileOfOneValueIsThatValue() => Assert.Equal(2.5, FnmrFunctions.Quantile([2.5f], 0.7));

    [Fact]
    public void T8_FnmrAtFmr()
    {
        Assert.Equal([0.4, 0.2], FnmrFunctions.FnmrAtFmr(Positive, Negative, [0.1, 0.5]));
        Assert.Equal([0.4, 0.4, 0.2], FnmrFunctions.FnmrAtFmr(Positive, Negative, [0.0, 0.25, 1.0]));
    }

    [Fact]
    public void NegativesNeedNotBeSorted()
    {
        float[] shuffled = [8, 3, 6, 4, 7, 3, 8, 6, 4, 7];
        Assert.Equal([0.4, 0.2], FnmrFunctions.FnmrAtFmr(Positive, shuffled, [0.1, 0.5]));
    }

    [Fact]
    public void T9_FnmrAtFmrOfRetrievalResults()
    {
        var results = new RetrievalResults(
            retrieved: [[10, 11, 12, 13, 14, 15, 16, 17, 20, 21, 22, 23, 18], [20, 21, 22, 23, 24, 25, 10]],
            distances: [[0, 0, 1, 1, 2, 2, 5, 5, 7, 7, 8, 8, 9], [3, 3, 4, 4, 6, 6, 9]],
            groundTruth: [[10, 11, 12, 13, 14, 15, 16, 17, 18], [10]],
            queryRows: [0, 1],
            galleryRows: Enumerable.Range(0, 26).ToArray());
        var (positive, negative) = FnmrFunctions.PositiveAndNegativeDistances(results);
        Assert.Equal(Positive, positive.Order());
        Assert.Equal(Negative, negative.Order());
        Assert.Equal([0.4, 0.2], FnmrFunctions.FnmrAtFmr(positive, negative, [0.1, 0.5]));
    }

    [Fact]
    public void NoPositivesOrNoNegativesGiveNaN()
    {
        Assert.All(FnmrFunctions.FnmrAtFmr([], Negative, [0.1]), v => Assert.True(double.IsNaN(v)));
        Assert.All(FnmrFunctions.FnmrAtFmr(Positive, [], [0.1]), v => Assert.True(double.IsNaN(v)));
    }

    [Theory]
    [InlineData(new double[0])]
    [InlineData(new[] { 0.0, -1 })]
    [InlineData(new[] { 101.0 })]
    [InlineData(new[] { double.NaN })]
    public void FmrValuesMustBeFractions(double[] fmrValues)
    {
        var error = Assert.Throws<OmlException>(() => FnmrFunctions.FnmrAtFmr(Positive, Negative, fmrValues));
        Assert.Contains("metric_args.fmr_vals", error.Message);
        Assert.Contains("[0, 1]", error.Message);
    }
}
