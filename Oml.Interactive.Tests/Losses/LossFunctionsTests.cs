using Oml.Functional;
using Oml.Losses;

namespace Oml.Tests.Losses;

/// <summary>Golden cases T18, T24, T25 (docs/oml-golden-cases.md) and gradient checks for the losses.</summary>
public sealed class LossFunctionsTests
{
    private static Tensor T(float[,] values) => tensor(values);

    private static double[] Values(Tensor t) => GradientCheck.Values(t);

    [Theory]
    [InlineData(0.2, LossReduction.Sum)]
    [InlineData(0.5, LossReduction.Mean)]
    [InlineData(1.5, LossReduction.None)]
    public void T18ZeroWhenNegativesAreFar(double margin, LossReduction reduction)
    {
        using var scope = NewDisposeScope();
        var loss = LossFunctions.Triplet(ones(32, 1024), 2 * ones(32, 1024), 3 * ones(32, 1024), margin, reduction);
        Assert.All(Values(loss), v => Assert.Equal(0, v));
    }

    [Fact]
    public void ElementwiseDistanceIsEuclideanWithAZeroGradientWhereRowsCoincide()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 0, 0, 1, 1, 3, 4 }, [3, 2]).requires_grad_();
        var y = tensor(new float[] { 0, 0, 1, 1, 0, 0 }, [3, 2]);
        var distance = Distances.Elementwise(x, y);
        Assert.Equal(new[] { 0f, 0f, 5f }, distance.data<float>().ToArray());
        distance.sum().backward();
        Assert.Equal(new[] { 0f, 0f, 0f, 0f, 0.6f, 0.8f }, x.grad!.data<float>().ToArray());
    }

    [Fact]
    public void PairwiseDistanceIsExactWhereTheMatrixProductShortcutCancels()
    {
        using var scope = NewDisposeScope();
        // rows far from the origin and close to each other: ‖x‖² + ‖y‖² − 2x·y loses every digit in float32
        var x = (1000 + randn(6, 64, generator: new Generator(3)) * 1e-2f).to_type(ScalarType.Float32);
        var exact = Distances.Pairwise(x.to_type(ScalarType.Float64), x.to_type(ScalarType.Float64));
        var pairwise = Distances.Pairwise(x, x).to_type(ScalarType.Float64);
        Assert.True((pairwise - exact).abs().max().item<double>() < 1e-6, "Pairwise must not use the matrix-product shortcut");
        var elementwise = stack(Enumerable.Range(0, 6).Select(i => Distances.Elementwise(x[i].expand(6, 64), x)));
        Assert.True((elementwise.to_type(ScalarType.Float64) - exact).abs().max().item<double>() < 1e-6);
    }

    [Fact]
    public void PairwiseDistanceHasAZeroGradientOnItsDiagonalAndBetweenDuplicateRows()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 0, 0, 3, 4, 0, 0 }, [3, 2]).requires_grad_();   // rows 0 and 2 coincide
        var distances = Distances.Pairwise(x, x);
        Assert.Equal(new double[] { 0, 5, 0, 5, 0, 5, 0, 5, 0 }, distances.data<double>().ToArray());
        (distances * tensor(new double[] { 1, 2, 4, 8, 16, 32, 64, 128, 256 }, [3, 3], dtype: ScalarType.Float64)).sum().backward();
        // only d(0,1) (weights 2 + 8) and d(1,2) (32 + 128) move the rows: (row − other) / 5 times the weights
        Assert.Equal(new[] { -6.0, -8, 102, 136, -96, -128 }, x.grad!.data<double>().ToArray().Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void T18SoftMarginOfEqualPointsIsLn2()
    {
        using var scope = NewDisposeScope();
        var x = randn(8, 5);
        Assert.Equal(0.693147180559945, LossFunctions.Triplet(x, x, x, null).item<float>(), 6);
    }

    private static (Tensor A, Tensor P, Tensor N) T18Small() =>
        (T(new float[,] { { 0, 0 }, { 1, 0 } }), T(new float[,] { { 3, 4 }, { 1, 1 } }), T(new float[,] { { 0, 1 }, { 1, 3 } }));

    [Theory]
    [InlineData(null, 4.018150, 0.126928, 1.0)]
    [InlineData(0.5, 4.5, 0, 0.5)]
    [InlineData(2.0, 6, 0, 0.5)]
    public void T18TableEveryValue(double? margin, double none0, double none1, double active)
    {
        using var scope = NewDisposeScope();
        var (a, p, n) = T18Small();
        var logs = new Dictionary<string, double>();
        var none = Values(LossFunctions.Triplet(a, p, n, margin, LossReduction.None, logs));
        Assert.Equal(none0, none[0], 5);
        Assert.Equal(none1, none[1], 5);
        Assert.Equal((none0 + none1) / 2, LossFunctions.Triplet(a, p, n, margin, LossReduction.Mean).item<float>(), 5);
        Assert.Equal(none0 + none1, LossFunctions.Triplet(a, p, n, margin, LossReduction.Sum).item<float>(), 5);
        Assert.Equal(active, logs["active_tri"], 6);
        Assert.Equal(3.0, logs["pos_dist"], 6);
        Assert.Equal(2.0, logs["neg_dist"], 6);
        if (margin is null)
        {
            Assert.Equal(2.072539, LossFunctions.Triplet(a, p, n, null).item<float>(), 5);
            Assert.Equal(4.145078, LossFunctions.Triplet(a, p, n, null, LossReduction.Sum).item<float>(), 5);
        }
    }

    [Fact]
    public void T18PlainAndModule()
    {
        using var scope = NewDisposeScope();
        var (a, p, n) = T18Small();
        var rows = stack([a[0], p[0], n[0], a[1], p[1], n[1]]);
        using var plain = new TripletLossPlain(null);
        Assert.Equal(2.072539, plain.forward(rows).item<float>(), 5);
        Assert.Equal(1.0, plain.LastLogs["active_tri"]);
        using var module = new TripletLoss(0.5, LossReduction.Sum);
        Assert.Equal(4.5, module.forward(a, p, n).item<float>(), 5);
        Assert.Equal(0.5, module.LastLogs["active_tri"]);
        Assert.Throws<OmlException>(() => plain.forward(zeros(4, 2)));
        Assert.Throws<OmlException>(() => new TripletLoss(0));
        Assert.Contains("one of mean, sum, none", Assert.Throws<OmlException>(() => Oml.Registries.LossRegistry.Reduction(Oml.Registries.BlockArgs.From("criterion.args", ("reduction", "avg")))).Message);
    }

    [Fact]
    public void SoftMarginDoesNotOverflow()
    {
        using var scope = NewDisposeScope();
        var a = zeros(1, 1);
        var loss = LossFunctions.Triplet(a, full(1, 1, 200f), a, null);
        Assert.Equal(200, loss.item<float>(), 3);
    }

    [Fact]
    public void T24LabelSmoothing()
    {
        using var scope = NewDisposeScope();
        var y = tensor(new long[] { 1, 0 });
        void Check(double[] expected, Tensor actual) => Assert.Equal(expected, Values(actual).Select(v => Math.Round(v, 6)).ToArray());
        Check([0, 1, 1, 0], LossFunctions.LabelSmoothing(y, 2, 0));
        Check([.05, .95, .95, .05], LossFunctions.LabelSmoothing(y, 2, .1));
        Check([.1, .8, .1, .8, .1, .1], LossFunctions.LabelSmoothing(y, 3, .3));
        Check([0, .9, .1, 1, 0, 0], LossFunctions.LabelSmoothing(y, 3, .2, tensor(new long[] { 0, 1, 1 })));
        Check([.1, .9, 0, .9, .1, 0], LossFunctions.LabelSmoothing(y, 3, .2, tensor(new long[] { 0, 0, 1 })));
        Assert.Throws<OmlException>(() => LossFunctions.LabelSmoothing(y, 2, 1));
        Assert.Throws<OmlException>(() => LossFunctions.LabelSmoothing(y, 2, -1));
    }

    private static ArcFaceLoss T25Loss(double m = 0.5, double s = 64, double eps = 0, IReadOnlyDictionary<long, string>? l2c = null)
    {
        var loss = new ArcFaceLoss(3, 3, m, s, eps, l2c);
        using var noGrad = no_grad();
        loss.Weight.copy_(eye(3));
        return loss;
    }

    [Theory]
    [InlineData(0.5, 64, 0, false, 52.156097)]
    [InlineData(0.4, 64, 0, false, 47.980530)]
    [InlineData(0.5, 30, 0, false, 24.448172)]
    [InlineData(0.5, 64, 0.1, false, 51.306904)]
    [InlineData(0.5, 64, 0.1, true, 49.548294)]
    public void T25ArcFace(double m, double s, double eps, bool withCategories, double expected)
    {
        using var scope = NewDisposeScope();
        var l2c = withCategories ? new Dictionary<long, string> { [0] = "0", [1] = "1", [2] = "1" } : null;
        using var loss = T25Loss(m, s, eps, l2c);
        var x = T(new float[,] { { 1, 0, 0 }, { 0, .2f, .8f }, { 0, .8f, .2f } });
        var value = loss.forward(x, tensor(new long[] { 0, 1, 2 })).item<float>();
        Assert.Equal(expected, value, 1e-5);
        Assert.Equal(1.0 / 3, loss.LastLogs["accuracy"], 6);
    }

    [Fact]
    public void ArcFaceRejectsBadInput()
    {
        Assert.Throws<OmlException>(() => new ArcFaceLoss(3, 3, smoothingEpsilon: 1));
        Assert.Throws<OmlException>(() => new ArcFaceLoss(3, 3, smoothingEpsilon: -1));
        Assert.Throws<OmlException>(() => new ArcFaceLoss(3, 3, label2Category: new Dictionary<long, string> { [0] = "a" }));
        using var scope = NewDisposeScope();
        using var loss = new ArcFaceLoss(3, 3);
        Assert.Throws<OmlException>(() => loss.forward(ones(2, 3), tensor(new long[] { 0, 3 })));
    }

    [Fact]
    public void ArcFaceGradientIsFiniteAtCosPlusMinusOne()
    {
        using var scope = NewDisposeScope();
        using var loss = T25Loss();
        var x = T(new float[,] { { 1, 0, 0 }, { 0, -1, 0 }, { 0, 0, 2 } }).requires_grad_();
        loss.forward(x, tensor(new long[] { 0, 1, 2 })).backward();
        Assert.True(isfinite(x.grad!).all().item<bool>());
        Assert.True(isfinite(loss.Weight.grad!).all().item<bool>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1.0)]
    public void TripletGradientMatchesFiniteDifferences(double? margin)
    {
        using var scope = NewDisposeScope();
        var x0 = tensor(new double[] { 0.1, 0.3, 0.5, -0.2, 0.9, 0.4, 1.0, 0.2, -0.4, 0.7, 0.1, 0.6 }).view(6, 2);
        GradientCheck.Assert(x => LossFunctions.Triplet(x[..2], x[2..4], x[4..], margin, LossReduction.Sum), x0);
    }

    [Fact]
    public void ArcFaceGradientMatchesFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        var w = tensor(new double[] { 0.8, 0.1, -0.3, 0.2, 0.9, 0.4, -0.5, 0.3, 0.7 }).view(3, 3);
        var y = tensor(new long[] { 0, 2 });
        var x0 = tensor(new double[] { 0.5, 0.2, 0.1, -0.1, 0.3, 0.8 }).view(2, 3);
        GradientCheck.Assert(x => LossFunctions.ArcFace(x, w, y, 0.5, 4, 0.1), x0);
        GradientCheck.Assert(ww => LossFunctions.ArcFace(x0, ww, y, 0.5, 4), w);
    }
}
