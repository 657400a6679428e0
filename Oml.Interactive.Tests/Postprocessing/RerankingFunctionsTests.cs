using Oml.Postprocessing;

namespace Oml.Tests.Postprocessing;

/// <summary>OML's cat_two_sorted_tensors_and_keep_it_sorted (golden case T27 in docs/oml-golden-cases.md) and the stable re-ordering.</summary>
public sealed class RerankingFunctionsTests
{
    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-6, $"[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void T27_TopAboveTheTailIsRescaledBelowIt()
    {
        AssertClose([.1f - .001f, .2f - .001f, .3f - .001f, .3f, .4f, .5f], RerankingFunctions.ConcatenateKeepingSorted([10, 20, 30], [.3f, .4f, .5f], .001f));
        AssertClose([.4f - .001f, .5f - .001f, .6f - .001f, .6f, .8f, .9f], RerankingFunctions.ConcatenateKeepingSorted([40, 50, 60], [.6f, .8f, .9f], .001f));
        AssertClose([.1f, .2f, .5f, .5f, .6f], RerankingFunctions.ConcatenateKeepingSorted([1, 2, 5], [.5f, .6f], 0));
    }

    [Fact]
    public void T27_TopBelowTheTailIsConcatenated()
    {
        Assert.Equal([-10, -5, .3f, .4f, .5f], RerankingFunctions.ConcatenateKeepingSorted([-10, -5], [.3f, .4f, .5f], .001f));
        Assert.Equal([-20, -8, .6f, .8f, .9f], RerankingFunctions.ConcatenateKeepingSorted([-20, -8], [.6f, .8f, .9f], .001f));
        Assert.Equal([1, 2], RerankingFunctions.ConcatenateKeepingSorted([1, 2], [], .001f));
    }

    [Fact]
    public void DefaultMarginIsAThousandFloat32Epsilons()
    {
        Assert.Equal(RerankingFunctions.Float32Epsilon, MathF.Pow(2, -23));
        Assert.Equal(1.1920929e-4f, RerankingFunctions.JoinEpsilon, 1e-10f);
        var joined = RerankingFunctions.ConcatenateKeepingSorted([1, 2], [1]);
        Assert.Equal(1 - RerankingFunctions.JoinEpsilon, joined[1], 1e-7f);
    }

    [Fact]
    public void EqualScoresKeepTheirPreviousOrder() =>
        Assert.Equal([3, 1, 4, 0, 2], RerankingFunctions.StableAscendingOrder([2, 1, 2, 0, 1]));
}
