using Oml.Models;

namespace Oml.Tests.Models;

/// <summary>FeatureNormalisationFunctions: unit norms, the gradient with and without the norm detached, zero rows.</summary>
public sealed class FeatureNormalisationTests
{
    [Theory]
    [InlineData(FeatureNormalisation.L2)]
    [InlineData(FeatureNormalisation.L2DetachedNorm)]
    public void RowsGetUnitNorm(FeatureNormalisation normalisation)
    {
        using var scope = NewDisposeScope();
        var x = randn(5, 7) * 3;
        var norms = linalg.vector_norm(FeatureNormalisationFunctions.Apply(x, normalisation), dims: [1]);
        Assert.True(allclose(norms, ones(5), rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void NoneReturnsTheFeaturesUnchanged()
    {
        using var scope = NewDisposeScope();
        var x = randn(3, 4);
        Assert.True(x.eq(FeatureNormalisationFunctions.Apply(x, FeatureNormalisation.None)).all().item<bool>());
    }

    [Theory]
    // y0 = x0 / ||x|| at x = (3, 4): through the norm dy0/dx = (1/5 − 9/125, −12/125); detached (OML) = (1/5, 0)
    [InlineData(FeatureNormalisation.L2, 0.128, -0.096)]
    [InlineData(FeatureNormalisation.L2DetachedNorm, 0.2, 0.0)]
    public void GradientFlowsThroughTheNormOnlyWhenNotDetached(FeatureNormalisation normalisation, double d0, double d1)
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[,] { { 3, 4 } }).requires_grad_();
        FeatureNormalisationFunctions.Apply(x, normalisation)[0, 0].backward();
        var grad = x.grad!.data<float>().ToArray();
        Assert.Equal(d0, grad[0], 6);
        Assert.Equal(d1, grad[1], 6);
    }

    [Theory]
    [InlineData(FeatureNormalisation.L2)]
    [InlineData(FeatureNormalisation.L2DetachedNorm)]
    public void ZeroRowStaysZeroWithoutNaN(FeatureNormalisation normalisation)
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[,] { { 0, 0, 0 }, { 1, 2, 2 } }).requires_grad_();
        var y = FeatureNormalisationFunctions.Apply(x, normalisation);
        Assert.Equal(new float[] { 0, 0, 0, 1 / 3f, 2 / 3f, 2 / 3f }, y.detach().data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        y.sum().backward();
        Assert.True(isfinite(x.grad!).all().item<bool>());
    }
}
