using Oml.Functional;
using Oml.Losses;
using Oml.Miners;

namespace Oml.Tests.Losses;

/// <summary>
/// <see cref="LossFunctions.TripletFromDistances"/> (d(a,p), d(a,n) read from the batch's [B, B] distance matrix by the
/// mined ids) against the gather form <see cref="LossFunctions.Triplet"/> on the rows <c>features[ids]</c>: values, logs
/// and gradients with respect to the features, on random batches of balance-like, uneven and duplicated-row layouts.
/// </summary>
public sealed class TripletFromDistancesTests
{
    public enum Layout
    {
        /// <summary>n_labels x n_instances in label blocks, as a balance sampler's batch.</summary>
        Balance,

        /// <summary>Labels of random counts from 2 to max(4, B/4), rows shuffled.</summary>
        Uneven,

        /// <summary>Balance, but in every label the last row repeats the first (a label upsampled to n_instances).</summary>
        Duplicates,
    }

    public enum MinerKind
    {
        AllTriplets,
        HardTriplets,
        AllTripletsSubset,
    }

    private sealed record FormResult(double[] Loss, double[] Gradient, Dictionary<string, double> Logs);

    private delegate Tensor Form(Tensor features, (int[] A, int[] P, int[] N) ids, double? margin, LossReduction reduction, Dictionary<string, double> logs);

    private static readonly Form Gather = (f, ids, margin, reduction, logs) =>
    {
        var mined = MinedTriplets.FromIds(f, ids.A, ids.P, ids.N);
        return LossFunctions.Triplet(mined.Anchors, mined.Positives, mined.Negatives, margin, reduction, logs);
    };

    private static readonly Form Matrix = (f, ids, margin, reduction, logs) =>
        LossFunctions.TripletFromDistances(Distances.Pairwise(f, f), ids.A, ids.P, ids.N, margin, reduction, logs);

    private static readonly double?[] Margins = [null, 0.2];

    private static readonly LossReduction[] Reductions = [LossReduction.Mean, LossReduction.Sum, LossReduction.None];

    public static TheoryData<int, int, Layout> Batches()
    {
        var data = new TheoryData<int, int, Layout>();
        foreach (var b in new[] { 8, 32, 64 })
            foreach (var d in new[] { 4, 64, 512 })
                foreach (var layout in Enum.GetValues<Layout>())
                    data.Add(b, d, layout);
        return data;
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void Float64_matrix_form_equals_gather_form(int b, int d, Layout layout)
    {
        // the largest shape (tens of thousands of float64 triplet rows per gather) on one seed, the others on three
        int[] seeds = b * d >= 64 * 512 ? [0] : [0, 1, 2];
        foreach (var seed in seeds)
            CompareForms(b, d, layout, seed, ScalarType.Float64, tolerance: 1e-9);   // measured: 2e-14 at most
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void Float32_matrix_form_equals_gather_form_to_float32_rounding(int b, int d, Layout layout) =>
        CompareForms(b, d, layout, seed: 7, ScalarType.Float32, tolerance: 2e-4);   // measured: 1.3e-5 at most (gradients summed over 30 000 triplets)

    /// <summary>Every miner x margin x normalisation x reduction on one batch; <paramref name="tolerance"/> is relative to each tensor's largest magnitude.</summary>
    private static void CompareForms(int b, int d, Layout layout, int seed, ScalarType dtype, double tolerance)
    {
        using var scope = NewDisposeScope();
        var labels = Labels(b, layout, seed);
        var x = Features(labels, d, layout, seed, dtype);
        var checkedZeroPositive = false;
        foreach (var normalise in new[] { false, true })
        {
            using var inner = NewDisposeScope();
            var features = normalise ? nn.functional.normalize(x, p: 2, dim: 1) : x;
            foreach (var miner in Enum.GetValues<MinerKind>())
            {
                var ids = Mine(miner, features, labels, seed);
                if (layout == Layout.Duplicates) checkedZeroPositive |= HasZeroDistancePositive(features, ids);
                foreach (var margin in Margins)
                    foreach (var reduction in Reductions)
                    {
                        var what = $"B {b}, D {d}, {layout}, seed {seed}, {dtype}, normalise {normalise}, {miner} ({ids.A.Length} triplets), margin {margin?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "soft"}, {reduction}";
                        var expected = Run(Gather, x, normalise, ids, margin, reduction);
                        var actual = Run(Matrix, x, normalise, ids, margin, reduction);
                        AssertClose(expected.Loss, actual.Loss, tolerance, "loss: " + what);
                        AssertClose(expected.Gradient, actual.Gradient, tolerance, "gradient: " + what);
                        Assert.Equal(expected.Logs.Keys.Order(), actual.Logs.Keys.Order());
                        foreach (var (key, value) in expected.Logs) AssertClose([value], [actual.Logs[key]], tolerance, key + ": " + what);
                    }
            }
        }
        if (layout == Layout.Duplicates) Assert.True(checkedZeroPositive, $"no triplet used a duplicated positive pair (B {b}, D {d}, seed {seed})");
    }

    /// <summary>One form's loss values, gradient w.r.t. the raw features <paramref name="x0"/> and logs; "none" is weighted per triplet before backward.</summary>
    private static FormResult Run(Form form, Tensor x0, bool normalise, (int[] A, int[] P, int[] N) ids, double? margin, LossReduction reduction)
    {
        using var scope = NewDisposeScope();
        var x = x0.detach().clone().requires_grad_();
        var features = normalise ? nn.functional.normalize(x, p: 2, dim: 1) : x;
        var logs = new Dictionary<string, double>();
        var loss = form(features, ids, margin, reduction, logs);
        var scalar = loss.dim() == 0 ? loss : (loss * linspace(0.5, 1.5, loss.shape[0], dtype: loss.dtype)).sum();
        scalar.backward();
        return new FormResult(GradientCheck.Values(loss.detach()), GradientCheck.Values(x.grad!), logs);
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.All(double.IsFinite), "not finite (gather form): " + what);
        Assert.True(actual.All(double.IsFinite), "not finite (matrix form): " + what);
        var scale = Math.Max(expected.Max(Math.Abs), 1e-12);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= tolerance * scale, $"{what}: largest difference {worst:G3} against a scale of {scale:G3}");
    }

    private static long[] Labels(int b, Layout layout, int seed)
    {
        if (layout != Layout.Uneven)
        {
            var instances = b == 8 ? 4 : 8;
            return Enumerable.Range(0, b).Select(i => (long)(i / instances)).ToArray();
        }
        var random = new Random(seed);
        var counts = new List<int>();
        var left = b;
        while (left > 0)
        {
            var count = left <= 5 ? left : random.Next(2, Math.Min(left - 2, Math.Max(4, b / 4)) + 1);
            counts.Add(count);
            left -= count;
        }
        var labels = counts.SelectMany((c, label) => Enumerable.Repeat((long)label * 3 + 1, c)).ToArray();
        random.Shuffle(labels);
        return labels;
    }

    private static Tensor Features(long[] labels, int d, Layout layout, int seed, ScalarType dtype)
    {
        var x = randn(labels.Length, d, dtype: ScalarType.Float64, generator: new Generator((ulong)(seed * 1000 + d)));
        if (layout == Layout.Duplicates)
        {
            foreach (var group in Enumerable.Range(0, labels.Length).GroupBy(i => labels[i]))
                x[group.Last()] = x[group.First()];
        }
        return x.to_type(dtype);
    }

    private static (int[] A, int[] P, int[] N) Mine(MinerKind miner, Tensor features, long[] labels, int seed) => miner switch
    {
        MinerKind.AllTriplets => new AllTripletsMiner().Sample(features, labels),
        MinerKind.HardTriplets => new HardTripletsMiner().Sample(features, labels),
        _ => new AllTripletsMiner(AllTripletsMiner.CountTriplets(labels) / 3, seed).Sample(features, labels),
    };

    private static bool HasZeroDistancePositive(Tensor features, (int[] A, int[] P, int[] N) ids)
    {
        using var scope = NewDisposeScope();
        var b = features.shape[0];
        var distances = GradientCheck.Values(Distances.Pairwise(features.detach(), features.detach()));
        return ids.A.Zip(ids.P).Any(ap => distances[ap.First * b + ap.Second] == 0);
    }

    /// <summary>Labels 0, 0, 1, 1 at the corners (0,0), (0,3), (4,0), (4,3): positives at 3, negatives at 4 and 5.</summary>
    private static Tensor Square() => tensor(new double[,] { { 0, 0 }, { 0, 3 }, { 4, 0 }, { 4, 3 } });

    private static readonly long[] SquareLabels = [0, 0, 1, 1];

    [Theory]
    [InlineData(LossReduction.Sum, 2.0, 1.0)]
    [InlineData(LossReduction.Mean, 0.25, 1.0 / 8)]
    public void Golden_square_all_triplets_margin_1_5(LossReduction reduction, double expectedLoss, double gradientUnit)
    {
        using var scope = NewDisposeScope();
        var x = Square().requires_grad_();
        var (a, p, n) = new AllTripletsMiner().Sample(x, SquareLabels);
        var logs = new Dictionary<string, double>();

        // dp − dn + 1.5 is 0.5 for the 4 triplets whose negative is at 4 and −0.5 for the 4 whose negative is at 5
        var loss = LossFunctions.TripletFromDistances(Distances.Pairwise(x, x), a, p, n, 1.5, reduction, logs);
        loss.backward();

        Assert.Equal(expectedLoss, loss.item<double>(), 12);
        Assert.Equal(0.5, logs["active_tri"], 12);
        Assert.Equal(3.0, logs["pos_dist"], 12);
        Assert.Equal(4.5, logs["neg_dist"], 12);
        // each point: twice its unit vector away from its positive, twice towards its nearer negative
        double[] expectedGradient = [2, -2, 2, 2, -2, -2, -2, 2];
        Assert.Equal(expectedGradient.Select(g => g * gradientUnit), GradientCheck.Values(x.grad!).Select(g => Math.Round(g, 12)));
    }

    [Fact]
    public void Golden_square_reduction_none_per_triplet()
    {
        using var scope = NewDisposeScope();
        var x = Square();
        var (a, p, n) = new AllTripletsMiner().Sample(x, SquareLabels);
        var loss = LossFunctions.TripletFromDistances(Distances.Pairwise(x, x), a, p, n, 1.5, LossReduction.None);
        // (0,1,2) (0,1,3) (1,0,2) (1,0,3) (2,3,0) (2,3,1) (3,2,0) (3,2,1): negatives at 4, 5, 5, 4, 4, 5, 5, 4
        Assert.Equal([0.5, 0, 0, 0.5, 0.5, 0, 0, 0.5], GradientCheck.Values(loss).Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Golden_duplicate_row_positive_at_distance_zero_has_zero_gradient()
    {
        using var scope = NewDisposeScope();
        // row 4 repeats row 0 (a label upsampled by the sampler); triplet (0, 4, 2): d(a,p) = 0, d(a,n) = 4
        var x = cat([Square(), Square()[..1]]).requires_grad_();
        var loss = LossFunctions.TripletFromDistances(Distances.Pairwise(x, x), [0], [4], [2], null, LossReduction.Sum);
        loss.backward();

        Assert.Equal(Math.Log(1 + Math.Exp(-4)), loss.item<double>(), 14);
        var s = 1 / (1 + Math.Exp(4));   // softplus'(0 − 4) = σ(−4); the gradient through d(a,p) = 0 is 0, not NaN
        double[] expected = [s, 0, 0, 0, -s, 0, 0, 0, 0, 0];
        var gradient = GradientCheck.Values(x.grad!);
        Assert.Equal(expected.Length, gradient.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], gradient[i], 14);
    }

    [Fact]
    public void Rejects_a_matrix_that_is_not_square_and_ids_outside_the_batch()
    {
        using var scope = NewDisposeScope();
        var d = Distances.Pairwise(Square(), Square());
        Assert.Throws<OmlException>(() => LossFunctions.TripletFromDistances(d[..3], [0], [1], [2], 0.2));
        Assert.Contains("outside a batch of 4", Assert.Throws<OmlException>(() => LossFunctions.TripletFromDistances(d, [0], [1], [4], 0.2)).Message);
        Assert.Contains("outside a batch of 4", Assert.Throws<OmlException>(() => LossFunctions.TripletFromDistances(d, [-1], [1], [2], 0.2)).Message);
        Assert.Throws<OmlException>(() => LossFunctions.TripletFromDistances(d, [0, 1], [1], [2, 3], 0.2));
        Assert.Throws<OmlException>(() => LossFunctions.TripletFromDistances(d, [0], [1], [2], 0));
    }
}
