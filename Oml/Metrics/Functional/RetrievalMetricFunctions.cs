using static System.FormattableString;
using Oml.Retrieval;

namespace Oml.Metrics.Functional;

/// <summary>
/// Retrieval metrics of one query, as OML defines them (<c>oml/functional/metrics.py</c>), plus the PML-style
/// <see cref="MapAtR"/> and <see cref="RPrecision"/>, and their mean over queries.
/// Every per-query function takes <c>hits</c> (for each retrieved item, nearest first: is it in the ground truth)
/// and <c>groundTruthCount</c> (the ground truth's size over the whole gallery, not only among the retrieved).
/// <para>
/// Special cases shared by all of them (R = number retrieved, n_gt = ground truth count):
/// n_gt == 0 and R == 0 gives 1 (nothing to find, nothing found); n_gt &gt; 0 and R == 0 gives 0.
/// n_gt == 0 and R &gt; 0 is not a scored query (see <see cref="IsScored"/>): the aggregate
/// <see cref="MeanOverQueries(IReadOnlyList{bool[]}, IReadOnlyList{int}, QueryMetric, IEnumerable{int}?)"/> leaves
/// it out. If called anyway, <see cref="Cmc"/> and <see cref="Map"/> return OML's 0 and the precisions return NaN.
/// </para>
/// </summary>
public static class RetrievalMetricFunctions
{
    /// <summary>Whether the query has any ground truth in the gallery.</summary>
    public static bool HasGroundTruth(int groundTruthCount) => groundTruthCount > 0;

    /// <summary>
    /// Whether a query counts in the mean over queries: it has ground truth, or it retrieved nothing.
    /// A query without ground truth that retrieved items (its only same-label item is itself or shares its
    /// sequence) has no meaningful score; OML gives it CMC 0, MAP 0 and precision NaN (which turns the mean NaN).
    /// </summary>
    public static bool IsScored(int retrievedCount, int groundTruthCount) =>
        HasGroundTruth(groundTruthCount) || retrievedCount == 0;

    /// <summary>OML <c>cmc@k</c>: 1 if any of the first k retrieved items is a hit.</summary>
    public static double Cmc(ReadOnlySpan<bool> hits, int groundTruthCount, int k)
    {
        CheckK(k);
        if (hits.Length == 0) return EmptyListValue(groundTruthCount);
        return hits[..Math.Min(k, hits.Length)].Contains(true) ? 1.0 : 0.0;
    }

    /// <summary>
    /// OML <c>precision@k</c>: hits among the first k' = min(k, R) retrieved, divided by min(n_gt, k').
    /// So neither fewer than k ground truth items nor fewer than k retrieved items lower the value.
    /// NaN when n_gt == 0 and R &gt; 0 (not a scored query).
    /// </summary>
    public static double Precision(ReadOnlySpan<bool> hits, int groundTruthCount, int k)
    {
        CheckK(k);
        if (hits.Length == 0) return EmptyListValue(groundTruthCount);
        if (!HasGroundTruth(groundTruthCount)) return double.NaN;
        var top = Math.Min(k, hits.Length);
        return (double)CountHits(hits[..top]) / Math.Min(groundTruthCount, top);
    }

    /// <summary>
    /// OML <c>map@k</c> (per query, average precision): with k' = min(k, R) and n_i the hits among the first i,
    /// (sum over i &lt;= k' of (n_i / i) * hit_i) / n_k'. It divides by the hits within the top k', not by n_gt
    /// (OML issue #304), and is 0 when the top k' has no hit.
    /// </summary>
    public static double Map(ReadOnlySpan<bool> hits, int groundTruthCount, int k)
    {
        CheckK(k);
        if (hits.Length == 0) return EmptyListValue(groundTruthCount);
        var sum = SumOfPrecisionsAtHits(hits[..Math.Min(k, hits.Length)], out var hitCount);
        return hitCount == 0 ? 0.0 : sum / hitCount;
    }

    /// <summary>
    /// PML's MAP@R ("mean average precision at R", Musgrave et al. 2020) with R = n_gt:
    /// (1/R) * sum over the first R retrieved of precision@i * hit_i. Ground truth beyond the retrieved list
    /// counts as missed. NaN when n_gt == 0 and R &gt; 0 (not a scored query).
    /// </summary>
    public static double MapAtR(ReadOnlySpan<bool> hits, int groundTruthCount)
    {
        if (hits.Length == 0) return EmptyListValue(groundTruthCount);
        if (!HasGroundTruth(groundTruthCount)) return double.NaN;
        return SumOfPrecisionsAtHits(hits[..Math.Min(groundTruthCount, hits.Length)], out _) / groundTruthCount;
    }

    /// <summary>
    /// R-precision with R = n_gt: hits among the first R retrieved, divided by R.
    /// NaN when n_gt == 0 and R &gt; 0 (not a scored query).
    /// </summary>
    public static double RPrecision(ReadOnlySpan<bool> hits, int groundTruthCount)
    {
        if (hits.Length == 0) return EmptyListValue(groundTruthCount);
        if (!HasGroundTruth(groundTruthCount)) return double.NaN;
        return (double)CountHits(hits[..Math.Min(groundTruthCount, hits.Length)]) / groundTruthCount;
    }

    /// <summary>
    /// The metric of every query, in query order; NaN for the queries that are not scored (<see cref="IsScored"/>),
    /// so that a caller (e.g. worst-query selection) can tell them apart.
    /// </summary>
    public static double[] PerQuery(IReadOnlyList<bool[]> hits, IReadOnlyList<int> groundTruthCounts, QueryMetric metric)
    {
        CheckSameLength(hits, groundTruthCounts);
        var values = new double[hits.Count];
        for (var q = 0; q < hits.Count; q++)
        {
            values[q] = IsScored(hits[q].Length, groundTruthCounts[q]) ? metric(hits[q], groundTruthCounts[q]) : double.NaN;
        }
        return values;
    }

    /// <summary>
    /// The plain mean of the metric over the scored queries (<see cref="IsScored"/>) among <paramref name="queries"/>
    /// (all queries when null; e.g. the queries of one category). Queries without ground truth that retrieved items
    /// are left out instead of being counted as 0 (OML) or turning the mean NaN (OML's precision).
    /// NaN only when no query is scored.
    /// </summary>
    public static double MeanOverQueries(
        IReadOnlyList<bool[]> hits, IReadOnlyList<int> groundTruthCounts, QueryMetric metric, IEnumerable<int>? queries = null)
    {
        CheckSameLength(hits, groundTruthCounts);
        var sum = 0.0;
        var count = 0;
        foreach (var q in queries ?? Enumerable.Range(0, hits.Count))
        {
            if (!IsScored(hits[q].Length, groundTruthCounts[q])) continue;
            sum += metric(hits[q], groundTruthCounts[q]);
            count++;
        }
        return count == 0 ? double.NaN : sum / count;
    }

    /// <summary>The same mean computed from retrieval results (hits and ground truth of every query).</summary>
    public static double MeanOverQueries(RetrievalResults results, QueryMetric metric, IEnumerable<int>? queries = null)
    {
        var hits = Enumerable.Range(0, results.QueryCount).Select(results.Hits).ToArray();
        return MeanOverQueries(hits, results.GroundTruth.Select(g => g.Length).ToArray(), metric, queries);
    }

    /// <summary>Number of queries left out of the means (no ground truth, but items retrieved).</summary>
    public static int CountUnscored(IReadOnlyList<bool[]> hits, IReadOnlyList<int> groundTruthCounts)
    {
        CheckSameLength(hits, groundTruthCounts);
        return Enumerable.Range(0, hits.Count).Count(q => !IsScored(hits[q].Length, groundTruthCounts[q]));
    }

    /// <summary>
    /// Checks a list of k values like OML's <c>check_if_nonempty_positive_integers</c>; <paramref name="argName"/>
    /// is the config path named in the error, e.g. <c>metric_args.cmc_top_k</c>.
    /// </summary>
    public static void ValidateTopK(IReadOnlyList<int>? topK, string argName)
    {
        if (topK is null || topK.Count == 0 || topK.Any(k => k < 1))
        {
            var given = topK is null ? "nothing" : "[" + string.Join(", ", topK) + "]";
            throw new OmlException(Invariant($"{argName} must be a non-empty list of positive integers (e.g. [1, 5]), got {given}"));
        }
    }

    private static double EmptyListValue(int groundTruthCount) => HasGroundTruth(groundTruthCount) ? 0.0 : 1.0;

    private static int CountHits(ReadOnlySpan<bool> hits)
    {
        var count = 0;
        foreach (var hit in hits) count += hit ? 1 : 0;
        return count;
    }

    /// <summary>Sum of precision@i over the ranks i that are hits.</summary>
    private static double SumOfPrecisionsAtHits(ReadOnlySpan<bool> hits, out int hitCount)
    {
        var sum = 0.0;
        hitCount = 0;
        for (var i = 0; i < hits.Length; i++)
        {
            if (!hits[i]) continue;
            hitCount++;
            sum += (double)hitCount / (i + 1);
        }
        return sum;
    }

    private static void CheckK(int k) => ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);

    private static void CheckSameLength(IReadOnlyList<bool[]> hits, IReadOnlyList<int> groundTruthCounts)
    {
        if (hits.Count != groundTruthCounts.Count)
        {
            throw new ArgumentException($"{hits.Count} hit lists but {groundTruthCounts.Count} ground truth counts");
        }
    }
}
