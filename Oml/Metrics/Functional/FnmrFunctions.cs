using System.Globalization;
using static System.FormattableString;
using Oml.Retrieval;

namespace Oml.Metrics.Functional;

/// <summary>
/// FNMR@FMR (false non-match rate at a given false match rate), exact, as OML's <c>calc_fnmr_at_fmr</c>:
/// the threshold is the FMR-quantile of the negative (different-label) distances, and FNMR is the fraction of
/// positive (same-label) distances at or above it. This exact version keeps every distance; it is the reference
/// that a streaming implementation is tested against.
/// </summary>
public static class FnmrFunctions
{
    /// <summary>
    /// The q-quantile of ascending <paramref name="sortedValues"/> with numpy's default ("linear") method, step by step
    /// as numpy computes it: the virtual index n*q + (1 - q) - 1 (= q * (n - 1) up to rounding), then numpy's
    /// <c>_lerp</c> between its two neighbours (from the upper end when the fraction is at least 0.5, so the result never
    /// leaves [lower, upper]). The arithmetic is in double, also for float inputs; numpy may round a float32 input's
    /// result to float32, a difference of at most one float32 rounding.
    /// </summary>
    public static double Quantile(ReadOnlySpan<float> sortedValues, double q)
    {
        if (sortedValues.IsEmpty) throw new ArgumentException("the quantile of no values is undefined", nameof(sortedValues));
        if (!(q >= 0 && q <= 1)) throw new ArgumentOutOfRangeException(nameof(q), q, "a quantile must be in [0, 1]");
        var (lower, fraction) = QuantilePosition(sortedValues.Length, q);
        return fraction == 0 ? sortedValues[(int)lower] : Interpolate(sortedValues[(int)lower], sortedValues[(int)lower + 1], fraction);
    }

    /// <summary>
    /// Where numpy's linear quantile of <paramref name="count"/> sorted values falls: the lower order statistic's index
    /// and the fraction towards the next one (numpy's virtual index n*q + (1 - q) - 1, clamped to the ends).
    /// </summary>
    public static (long Lower, double Fraction) QuantilePosition(long count, double q)
    {
        var virtualIndex = count * q + (1 - q) - 1; // numpy's _compute_virtual_index with alpha = beta = 1, same rounding
        if (virtualIndex >= count - 1) return (count - 1, 0);
        if (virtualIndex <= 0) return (0, 0);
        var lower = (long)Math.Floor(virtualIndex);
        return (lower, virtualIndex - lower);
    }

    /// <summary>numpy's <c>_lerp</c> between two neighbouring order statistics, in double: from the upper end when the
    /// fraction is at least 0.5, so the result never leaves [lower, upper].</summary>
    public static double Interpolate(double lower, double upper, double fraction)
    {
        var difference = upper - lower;
        return fraction >= 0.5 ? upper - difference * (1 - fraction) : lower + difference * fraction;
    }

    /// <summary>
    /// For each FMR value f: the fraction of <paramref name="positiveDistances"/> &gt;= the f-quantile of
    /// <paramref name="negativeDistances"/>. NaN for every f when either list is empty (the rate is undefined).
    /// </summary>
    public static double[] FnmrAtFmr(ReadOnlySpan<float> positiveDistances, ReadOnlySpan<float> negativeDistances, IReadOnlyList<double> fmrValues)
    {
        ValidateFmrValues(fmrValues);
        if (positiveDistances.IsEmpty || negativeDistances.IsEmpty) return fmrValues.Select(_ => double.NaN).ToArray();
        var sortedNegatives = negativeDistances.ToArray();
        Array.Sort(sortedNegatives);
        var result = new double[fmrValues.Count];
        for (var i = 0; i < fmrValues.Count; i++)
        {
            var threshold = Quantile(sortedNegatives, fmrValues[i]);
            var rejected = 0;
            foreach (var d in positiveDistances) rejected += d >= threshold ? 1 : 0;
            result[i] = (double)rejected / positiveDistances.Length;
        }
        return result;
    }

    /// <summary>
    /// The distances of the retrieved items of every query, split into hits (positive) and non-hits (negative),
    /// as OML's <c>calc_fnmr_at_fmr_rr</c> does: only retrieved items count, from every query.
    /// </summary>
    public static (float[] Positive, float[] Negative) PositiveAndNegativeDistances(RetrievalResults results)
    {
        var positive = new List<float>();
        var negative = new List<float>();
        for (var q = 0; q < results.QueryCount; q++)
        {
            var hits = results.Hits(q);
            var distances = results.Distances[q];
            for (var i = 0; i < hits.Length; i++) (hits[i] ? positive : negative).Add(distances[i]);
        }
        return (positive.ToArray(), negative.ToArray());
    }

    /// <summary>FMR values must be a non-empty list of fractions in [0, 1] (not percent), as in OML.</summary>
    public static void ValidateFmrValues(IReadOnlyList<double>? fmrValues, string argName = "metric_args.fmr_vals")
    {
        if (fmrValues is null || fmrValues.Count == 0 || fmrValues.Any(f => !(f >= 0 && f <= 1)))
        {
            var given = fmrValues is null ? "nothing" : "[" + string.Join(", ", fmrValues.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";
            throw new OmlException(Invariant($"{argName} must be a non-empty list of fractions in [0, 1] (e.g. [0.01, 0.1]), got {given}"));
        }
    }
}
