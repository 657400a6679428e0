using Oml.Retrieval;

namespace Oml.Tests.Retrieval;

/// <summary>The definition, computed the slow way: every pair's distance, excluded pairs dropped, sorted by (distance, position).</summary>
internal static class BruteForceRetrieval
{
    public static (int[] Ids, float[] Distances)[] Search(float[][] queries, float[][] gallery, int k, DistanceKind distance, RetrievalExclusions? exclusions)
    {
        return queries.Select((q, qi) =>
        {
            var all = gallery
                .Select((g, gi) => (Id: gi, Distance: Distance(q, g, distance)))
                .Where(p => exclusions is null || !exclusions.IsExcluded(qi, p.Id))
                .OrderBy(p => p.Distance).ThenBy(p => p.Id)
                .Take(k)
                .ToArray();
            return (all.Select(p => p.Id).ToArray(), all.Select(p => p.Distance).ToArray());
        }).ToArray();
    }

    /// <summary>The same float formula as the engine: sqrt(max(0, |q|^2 + |g|^2 - 2 q.g)) (exact for integer data).</summary>
    public static float Distance(float[] q, float[] g, DistanceKind distance)
    {
        if (distance == DistanceKind.Cosine)
        {
            double dot = 0, nq = 0, ng = 0;
            for (var i = 0; i < q.Length; i++)
            {
                dot += q[i] * g[i];
                nq += q[i] * q[i];
                ng += g[i] * g[i];
            }
            return (float)Math.Max(1 - dot / Math.Max(Math.Sqrt(nq), 1e-12) / Math.Max(Math.Sqrt(ng), 1e-12), 0);
        }
        float qq = 0, gg = 0, qg = 0;
        for (var i = 0; i < q.Length; i++)
        {
            qq += q[i] * q[i];
            gg += g[i] * g[i];
            qg += q[i] * g[i];
        }
        var squared = MathF.Max(qq + gg - 2f * qg, 0f);
        return distance == DistanceKind.Euclidean ? MathF.Sqrt(squared) : squared;
    }
}
