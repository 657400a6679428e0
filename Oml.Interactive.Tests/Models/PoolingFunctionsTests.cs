using Oml.Models;

namespace Oml.Tests.Models;

/// <summary>GeM pooling: p = 1 is average pooling, a large p approaches max pooling.</summary>
public sealed class PoolingFunctionsTests
{
    [Fact]
    public void GemWithPowerOneIsAveragePooling()
    {
        using var scope = NewDisposeScope();
        var x = rand(2, 3, 5, 4) + 0.01;
        Assert.True(allclose(PoolingFunctions.GeneralisedMean(x, 1), PoolingFunctions.Average(x), rtol: 1e-5, atol: 1e-6));
        Assert.Equal(new long[] { 2, 3 }, PoolingFunctions.Average(x).shape);
    }

    [Fact]
    public void GemWithLargePowerApproachesMaxPooling()
    {
        using var scope = NewDisposeScope();
        var x = rand(2, 3, 4, 4) * 1.5 + 0.5;
        var max = x.amax([2, 3]);
        var gem = PoolingFunctions.GeneralisedMean(x, 64);
        // (mean x^p)^(1/p) lies in [max · (1/16)^(1/64), max] for 16 positions
        Assert.True((gem <= max + 1e-5).all().item<bool>());
        Assert.True((gem >= max * 0.95).all().item<bool>());
    }

    [Fact]
    public void GemClampsNegativeValues()
    {
        using var scope = NewDisposeScope();
        var x = full(1, 1, 2, 2, -1.0f);
        Assert.Equal(1e-6, PoolingFunctions.GeneralisedMean(x, 3).item<float>(), 1e-9);
    }
}
