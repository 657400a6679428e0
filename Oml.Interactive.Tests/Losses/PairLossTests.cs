using Oml.Losses;

namespace Oml.Tests.Losses;

/// <summary>Hand-computed cases and finite-difference gradient checks of ContrastiveLoss and MultiSimilarityLoss.</summary>
public sealed class PairLossTests
{
    private static double[] Values(Tensor t) => GradientCheck.Values(t);

    private static readonly long[] ContrastiveLabels = [0, 0, 1];

    [Theory]
    [InlineData(0.0, 2.5, LossReduction.Mean, 1.25)]
    [InlineData(0.5, 2.5, LossReduction.Mean, 0.75)]
    [InlineData(0.0, 2.5, LossReduction.Sum, 3.0)]
    [InlineData(0.0, 1.0, LossReduction.Mean, 1.0)]
    public void ContrastiveByHand(double pm, double nm, LossReduction reduction, double expected)
    {
        // d(0,1) = 1 (positive), d(0,2) = 3 and d(1,2) = 2 (negatives); each pair counted in both orders
        using var scope = NewDisposeScope();
        var f = tensor(new float[,] { { 0 }, { 1 }, { 3 } });
        using var loss = new ContrastiveLoss(pm, nm, reduction);
        Assert.Equal(expected, loss.forward(f, tensor(ContrastiveLabels)).item<float>(), 1e-5);
    }

    [Fact]
    public void ContrastiveNoneIsPerOrderedPair()
    {
        using var scope = NewDisposeScope();
        var f = tensor(new float[,] { { 0 }, { 1 }, { 3 } });
        var none = Values(PairLossFunctions.Contrastive(f, tensor(ContrastiveLabels), 0, 2.5, LossReduction.None));
        Assert.Equal(new[] { 1, 0, 1, 0.5, 0, 0.5 }, none.Select(v => Math.Round(v, 5)));
    }

    [Fact]
    public void MultiSimilarityByHand()
    {
        // unit vectors; S01 = .6, S02 = 0, S03 = −.6, S12 = .8, S13 = .28, S23 = .8, labels [0,0,1,1]
        // anchors 0 and 3 keep nothing; anchors 1 and 2 keep their positive (S = .6 resp. .8) and one negative (S = .8)
        using var scope = NewDisposeScope();
        var f = tensor(new double[,] { { 2, 0 }, { .6, .8 }, { 0, 3 }, { -.6, .8 } });
        var y = tensor(new long[] { 0, 0, 1, 1 });
        double Anchor(double sp, double sn) => Math.Log(1 + Math.Exp(-2 * (sp - .5))) / 2 + Math.Log(1 + Math.Exp(50 * (sn - .5))) / 50;
        var expected = new[] { 0, Anchor(.6, .8), Anchor(.8, .8), 0 };
        var none = Values(PairLossFunctions.MultiSimilarity(f, y, reduction: LossReduction.None));
        for (var i = 0; i < 4; i++) Assert.Equal(expected[i], none[i], 1e-9);
        using var loss = new MultiSimilarityLoss();
        Assert.Equal(expected.Average(), loss.forward(f, y).item<double>(), 1e-9);
        // ε = 0.3 mines the same pairs here (e.g. anchor 0: 0 + .3 > .6 is false; anchor 1: .28 + .3 > .6 is false)
        Assert.Equal(expected.Average(), PairLossFunctions.MultiSimilarity(f, y, epsilon: 0.3).item<double>(), 1e-9);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<OmlException>(() => new ContrastiveLoss(1, 0.5));
        Assert.Throws<OmlException>(() => new ContrastiveLoss(-1, 1));
        Assert.Throws<OmlException>(() => new MultiSimilarityLoss(alpha: 0));
        Assert.Throws<OmlException>(() => new MultiSimilarityLoss(epsilon: -0.1));
        using var scope = NewDisposeScope();
        Assert.Throws<OmlException>(() => PairLossFunctions.Contrastive(ones(3, 2), tensor(new long[] { 0, 1 })));
        Assert.Throws<OmlException>(() => PairLossFunctions.MultiSimilarity(ones(3), tensor(new long[] { 0, 1, 1 })));
    }

    private static Tensor GradientPoint() =>
        tensor(new double[] { 0.5, 0.2, 0.1, -0.1, 0.3, 0.8, 0.9, -0.4, 0.2, -0.6, 0.7, 0.35, 0.15, 0.45, -0.8 }).view(5, 3);

    [Fact]
    public void ContrastiveGradientMatchesFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        var y = tensor(new long[] { 0, 0, 1, 1, 0 });
        GradientCheck.Assert(x => PairLossFunctions.Contrastive(x, y, 0.1, 1.2), GradientPoint());
        GradientCheck.Assert(x => PairLossFunctions.Contrastive(x, y, 0, 1, LossReduction.Sum), GradientPoint());
    }

    [Fact]
    public void MultiSimilarityGradientMatchesFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        var y = tensor(new long[] { 0, 0, 1, 1, 0 });
        // mined pairs must be non-trivial at this point, or the check says nothing
        Assert.True(PairLossFunctions.MultiSimilarity(GradientPoint(), y).item<double>() > 0);
        GradientCheck.Assert(x => PairLossFunctions.MultiSimilarity(x, y), GradientPoint());
        GradientCheck.Assert(x => PairLossFunctions.MultiSimilarity(x, y, 2, 10, 0.3, 0.5), GradientPoint());
    }
}
