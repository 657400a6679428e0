using System.Globalization;
using static System.FormattableString;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Metrics.Functional;

/// <summary>
/// OML's <c>pcf</c> ("principal components fraction", <c>calc_pcf</c>): the fraction of dimensions needed to explain
/// a share of the embeddings' variance; low values mean the embeddings collapsed into few dimensions.
/// PCA is done in float64 via the singular values of the centred data (as OML's PCA, which uses an SVD).
/// </summary>
public static class PcfFunctions
{
    /// <summary>Singular values of the centred [N, D] embeddings, descending, min(N, D) of them (float64).</summary>
    public static double[] CentredSingularValues(Tensor embeddings)
    {
        CheckMatrix(embeddings);
        using var scope = NewDisposeScope();
        var x = embeddings.to(ScalarType.Float64);
        var centred = x - x.mean([0], keepdim: true);
        return linalg.svdvals(centred).cpu().data<double>().ToArray();
    }

    /// <summary>PCA explained variance: squared singular values of the centred data / (N - 1), descending.</summary>
    public static double[] ExplainedVariance(Tensor embeddings)
    {
        var n = embeddings.shape[0];
        if (n < 2) throw new ArgumentException("the variance of fewer than 2 vectors is undefined", nameof(embeddings));
        return CentredSingularValues(embeddings).Select(s => s * s / (n - 1)).ToArray();
    }

    /// <summary>
    /// pcf(r) for each r of <paramref name="varianceFractions"/>: n(r) / D where n(r) = (number of cumulative explained
    /// variance ratios &lt;= r) + 1 (OML's <c>searchsorted(side="right") + 1</c>).
    /// Degenerate input (fewer than 2 vectors, or all vectors equal, so no variance to explain) gives NaN for every r;
    /// OML returns a meaningless finite number for it (quirk Q13 in docs/oml-quirks.md).
    /// </summary>
    public static double[] Pcf(Tensor embeddings, IReadOnlyList<double> varianceFractions)
    {
        CheckMatrix(embeddings);
        ValidateVarianceFractions(varianceFractions);
        if (embeddings.shape[0] < 2 || AllRowsEqual(embeddings)) return varianceFractions.Select(_ => double.NaN).ToArray();
        // fewer rows than dimensions: the N x D SVD is the small problem; otherwise the D x D covariance is
        var variances = embeddings.shape[0] < embeddings.shape[1] ? ExplainedVariance(embeddings) : CovarianceEigenvalues(embeddings);
        return PcfFromExplainedVariance(variances, (int)embeddings.shape[1], varianceFractions);
    }

    /// <summary>
    /// The min(N, D) explained variances (descending) as eigenvalues of the D x D covariance, accumulated in float64 over
    /// chunks of centred rows: the same values as <see cref="ExplainedVariance"/> up to about 1e-16 of the total,
    /// in O(D^2) memory instead of a float64 copy of all N x D embeddings (320 MB for 100 000 x 128 at peak).
    /// </summary>
    public static double[] CovarianceEigenvalues(Tensor embeddings)
    {
        CheckMatrix(embeddings);
        var n = embeddings.shape[0];
        var d = embeddings.shape[1];
        if (n < 2) throw new ArgumentException("the variance of fewer than 2 vectors is undefined", nameof(embeddings));
        const long chunk = 8192;
        using var scope = NewDisposeScope();
        var sum = zeros(d, dtype: ScalarType.Float64);
        for (long start = 0; start < n; start += chunk)
        {
            using var rows = embeddings.narrow(0, start, Math.Min(chunk, n - start)).to(ScalarType.Float64);
            sum.add_(rows.sum([0]));
        }
        var mean = sum / n;
        var covariance = zeros(d, d, dtype: ScalarType.Float64);
        for (long start = 0; start < n; start += chunk)
        {
            using var inner = NewDisposeScope();
            var centred = embeddings.narrow(0, start, Math.Min(chunk, n - start)).to(ScalarType.Float64) - mean;
            covariance.addmm_(centred.t(), centred);
        }
        covariance.div_(n - 1);
        var eigenvalues = linalg.eigvalsh(covariance).cpu().data<double>().ToArray();
        Array.Reverse(eigenvalues);
        // an N x D matrix has min(N, D) singular values, as OML's PCA counts them
        return eigenvalues.Take((int)Math.Min(n, d)).Select(v => Math.Max(v, 0.0)).ToArray();
    }

    /// <summary>
    /// pcf(r) from explained variances (descending) of <paramref name="dimension"/>-dimensional data.
    /// The cumulative ratios are cumulative sums divided by the total, so the last one is exactly 1 and
    /// components with (rounded) zero variance never push it above 1. NaN for every r when the total is not positive.
    /// </summary>
    public static double[] PcfFromExplainedVariance(ReadOnlySpan<double> explainedVariance, int dimension, IReadOnlyList<double> varianceFractions)
    {
        ValidateVarianceFractions(varianceFractions);
        var cumulative = new double[explainedVariance.Length];
        var sum = 0.0;
        for (var i = 0; i < explainedVariance.Length; i++)
        {
            sum += Math.Max(explainedVariance[i], 0.0);
            cumulative[i] = sum;
        }
        if (!(sum > 0) || double.IsInfinity(sum)) return varianceFractions.Select(_ => double.NaN).ToArray();
        for (var i = 0; i < cumulative.Length; i++) cumulative[i] /= sum;

        return varianceFractions
            .Select(r => (double)(cumulative.Count(c => c <= r) + 1) / dimension)
            .ToArray();
    }

    /// <summary>Variance fractions must be a non-empty list of values in [0, 1], as in OML.</summary>
    public static void ValidateVarianceFractions(IReadOnlyList<double>? varianceFractions, string argName = "metric_args.pcf_variance")
    {
        if (varianceFractions is null || varianceFractions.Count == 0 || varianceFractions.Any(r => !(r >= 0 && r <= 1)))
        {
            var given = varianceFractions is null ? "nothing" : "[" + string.Join(", ", varianceFractions.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";
            throw new OmlException(Invariant($"{argName} must be a non-empty list of fractions in [0, 1] (e.g. [0.5, 0.9]), got {given}"));
        }
    }

    private static bool AllRowsEqual(Tensor embeddings)
    {
        using var scope = NewDisposeScope();
        return embeddings.eq(embeddings[0]).all().item<bool>();
    }

    private static void CheckMatrix(Tensor embeddings)
    {
        if (embeddings.dim() != 2) throw new ArgumentException($"embeddings must be [N, D], got [{string.Join(", ", embeddings.shape)}]", nameof(embeddings));
    }
}
