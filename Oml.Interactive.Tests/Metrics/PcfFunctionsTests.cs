using Oml.Metrics.Functional;

namespace Oml.Tests.Metrics;

/// <summary>PCA explained variance and OML's pcf (golden cases T10, T11 in docs/oml-golden-cases.md), with NaN for
/// degenerate input (quirk Q13, docs/oml-quirks.md).</summary>
public sealed class PcfFunctionsTests
{
    [Fact]
    public void T10_TwoCopiesOfAnIdentityBlock()
    {
        using var scope = NewDisposeScope();
        var embeddings = cat([eye(300, 10), eye(300, 10)], 1);
        var pcf = PcfFunctions.Pcf(embeddings, [0.5, 0.9]);
        Assert.Equal(0.25, pcf[0], 1e-4);
        Assert.Equal(0.45, pcf[1], 1e-4);
    }

    [Fact]
    public void T10_FourUnitVectors()
    {
        using var scope = NewDisposeScope();
        var embeddings = eye(4, 10);
        Assert.Equal([0.2, 0.5], PcfFunctions.Pcf(embeddings, [0.5, 1.0]));
        Assert.Equal([.1, .1, .2, .2, .3, .3], PcfFunctions.Pcf(embeddings, [0, .3, .34, .66, .67, .99]));
    }

    private static Tensor T11Matrix()
    {
        var values = new double[60];
        for (var i = 0; i < 10; i++)
        {
            for (var j = 0; j < 6; j++) values[i * 6 + j] = 1.0 / (2 + 6 * i + j);
        }
        return tensor(values, [10, 6], ScalarType.Float64);
    }

    /// <summary>
    /// The reference values come from a float32 computation, so the small ones are only good to about
    /// float32 epsilon times the largest value; the large ones agree to 6 digits.
    /// </summary>
    private static void AssertCloseToFloat32Reference(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var absoluteTolerance = 2e-7 * expected.Max(Math.Abs);
        for (var i = 0; i < expected.Length; i++)
        {
            var tolerance = Math.Max(1e-6 * Math.Abs(expected[i]), absoluteTolerance);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    [Fact]
    public void T11_PcaMatchesSklearn()
    {
        using var scope = NewDisposeScope();
        var x = T11Matrix();
        AssertCloseToFloat32Reference([6.1971074e-01, 5.2592568e-02, 1.9191128e-03, 3.9749077e-05, 4.8444451e-07, 2.5064631e-08], PcfFunctions.CentredSingularValues(x));
        var variance = PcfFunctions.ExplainedVariance(x);
        AssertCloseToFloat32Reference([4.2671267e-02, 3.0733092e-04, 4.0922154e-07, 1.7555435e-10, 2.6076275e-14, 6.9803972e-17], variance);
        var total = variance.Sum();
        AssertCloseToFloat32Reference([9.9283969e-01, 7.1507213e-03, 9.5214282e-06, 4.0846531e-09, 6.0672116e-13, 1.6241410e-15], variance.Select(v => v / total).ToArray());
        AssertCloseToFloat32Reference([0.09030403, 0.07110852, 0.06062918, 0.0537749, 0.04881614, 0.04499362], x.mean([0]).data<double>().ToArray());
        // cumulative ratios .9928397, .9999904, .9999999, ...
        Assert.Equal([1 / 6.0, 2 / 6.0, 3 / 6.0], PcfFunctions.Pcf(x, [0.5, 0.995, 0.999995]));
    }

    [Fact]
    public void FloatInputIsComputedInDoublePrecision()
    {
        using var scope = NewDisposeScope();
        var x64 = T11Matrix();
        var fromFloat = PcfFunctions.CentredSingularValues(x64.to(ScalarType.Float32));
        Assert.InRange(fromFloat[0], 0.61971074 - 1e-6, 0.61971074 + 1e-6);
    }

    [Fact]
    public void DegenerateInputGivesNaNForEveryFraction()
    {
        using var scope = NewDisposeScope();
        var identical = ones(2, 8);
        Assert.All(PcfFunctions.Pcf(identical, [0.5, 0.9]), v => Assert.True(double.IsNaN(v)));
        Assert.All(PcfFunctions.Pcf(ones(3, 8) * 0.1f, [0.5]), v => Assert.True(double.IsNaN(v)));
        Assert.All(PcfFunctions.Pcf(randn(1, 8), [0.5]), v => Assert.True(double.IsNaN(v)));
        Assert.All(PcfFunctions.PcfFromExplainedVariance([0.0, 0.0], 8, [0.5]), v => Assert.True(double.IsNaN(v)));
    }

    [Theory]
    [InlineData(new double[0])]
    [InlineData(new[] { 1.5 })]
    [InlineData(new[] { -0.1 })]
    public void VarianceFractionsMustBeInZeroOne(double[] fractions)
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<OmlException>(() => PcfFunctions.Pcf(eye(4, 10), fractions));
        Assert.Contains("metric_args.pcf_variance", error.Message);
    }

    [Fact]
    public void CovarianceEigenvaluesEqualTheSvdExplainedVarianceOnManyRows()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var x = randn(20000, 16) * linspace(0.1, 3, 16) + 5; // an offset, unequal spreads, more rows than one chunk
        var svd = PcfFunctions.ExplainedVariance(x);
        var covariance = PcfFunctions.CovarianceEigenvalues(x);
        var total = svd.Sum();
        for (var i = 0; i < 16; i++) Assert.Equal(svd[i], covariance[i], total * 1e-9);
        double[] fractions = [0.1, 0.5, 0.9, 0.99];
        Assert.Equal(PcfFunctions.PcfFromExplainedVariance(svd, 16, fractions), PcfFunctions.Pcf(x, fractions));
    }
}
