namespace Oml.Tests.Postprocessing;

/// <summary>
/// A dense transcription of the authors' <c>re_ranking(q_g_dist, q_q_dist, g_g_dist, k1, k2, lambda)</c>
/// (github.com/zhunzhong07/person-re-ranking), in double precision, for small test sets: probe items first, then
/// gallery items; returns the final [probe, gallery] distances.
/// </summary>
internal static class DenseKReciprocalReference
{
    public static double[,] Rerank(float[][] points, int probeCount, int k1, int k2, double lambda)
    {
        var n = points.Length;
        var squared = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++) squared[i, j] = Math.Pow(BruteForceRetrieval.Distance(points[i], points[j]), 2);
        }
        // original_dist = transpose(original_dist / max(original_dist, axis=0)): row i divided by its own maximum
        var original = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            var max = Enumerable.Range(0, n).Max(j => squared[i, j]);
            for (var j = 0; j < n; j++) original[i, j] = squared[i, j] / max;
        }
        var initialRank = Enumerable.Range(0, n)
            .Select(i => Enumerable.Range(0, n).OrderBy(j => original[i, j]).ThenBy(j => j).ToArray()).ToArray();

        int[] KReciprocal(int i, int k)
        {
            var forward = initialRank[i][..(k + 1)];
            return forward.Where(j => initialRank[j][..(k + 1)].Contains(i)).ToArray();
        }

        var v = new double[n, n];
        var half = (int)Math.Round(k1 / 2.0, MidpointRounding.ToEven);
        for (var i = 0; i < n; i++)
        {
            var kReciprocal = KReciprocal(i, k1);
            var expansion = new List<int>(kReciprocal);
            foreach (var candidate in kReciprocal)
            {
                var candidateReciprocal = KReciprocal(candidate, half);
                if (candidateReciprocal.Intersect(kReciprocal).Count() > 2.0 / 3 * candidateReciprocal.Length) expansion.AddRange(candidateReciprocal);
            }
            var unique = expansion.Distinct().ToArray();
            var weights = unique.Select(j => Math.Exp(-original[i, j])).ToArray();
            for (var e = 0; e < unique.Length; e++) v[i, unique[e]] = weights[e] / weights.Sum();
        }
        if (k2 != 1)
        {
            var expanded = new double[n, n];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++) expanded[i, j] = initialRank[i][..k2].Average(r => v[r, j]);
            }
            v = expanded;
        }

        var final = new double[probeCount, n - probeCount];
        for (var i = 0; i < probeCount; i++)
        {
            for (var g = probeCount; g < n; g++)
            {
                var minimumSum = 0.0;
                for (var k = 0; k < n; k++) minimumSum += Math.Min(v[i, k], v[g, k]);
                var jaccard = 1 - minimumSum / (2 - minimumSum);
                final[i, g - probeCount] = jaccard * (1 - lambda) + original[i, g] * lambda;
            }
        }
        return final;
    }
}
