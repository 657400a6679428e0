namespace Oml.Retrieval;

/// <summary>
/// Every query's k nearest allowed keys from an <see cref="HnswIndex"/>. The index knows nothing of exclusions, so
/// each query asks for k plus some of the items it may not retrieve (at most k more), drops the excluded ones, and
/// asks again for twice as many when too many were dropped, up to k plus all its excluded items (then k allowed ones
/// are certain to be among them) or until the index has no more to give.
/// </summary>
internal static class ExcludingSearch
{
    /// <param name="queries">[Q, index.Dimension], row-major.</param>
    public static KnnResult Run(HnswIndex index, float[] queries, int k, RetrievalExclusions? exclusions)
    {
        var dimension = index.Dimension;
        var queryCount = queries.Length / dimension;
        k = Math.Min(k, Math.Max(index.Count, 1));
        var excludedCounts = exclusions?.ExcludedCounts();
        var ids = new int[(long)queryCount * k];
        var distances = new float[(long)queryCount * k];
        var counts = new int[queryCount];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = index.SearchThreads };
        Parallel.For(0, queryCount, parallel, () => new Buffers(), (q, _, buffers) =>
        {
            var excluded = excludedCounts?[q] ?? 0;
            counts[q] = SearchOne(index, queries.AsSpan(q * dimension, dimension), q, k, excluded, exclusions, buffers,
                ids.AsSpan(q * k, k), distances.AsSpan(q * k, k));
            return buffers;
        }, _ => { });
        return new KnnResult(k, ids, distances, counts);
    }

    private static int SearchOne(HnswIndex index, ReadOnlySpan<float> query, int q, int k, int excluded, RetrievalExclusions? exclusions,
        Buffers buffers, Span<int> outIds, Span<float> outDistances)
    {
        var enough = Math.Min(index.Count, k + excluded);
        var request = Math.Min(enough, k + Math.Min(excluded, k));
        while (true)
        {
            buffers.EnsureLength(request);
            var found = index.Search(query, buffers.Keys.AsSpan(0, request), buffers.Distances.AsSpan(0, request));
            var kept = KeepAllowed(buffers.Keys.AsSpan(0, found), buffers.Distances.AsSpan(0, found), q, exclusions, outIds, outDistances);
            if (kept == outIds.Length || found < request || request >= enough) return kept;
            request = (int)Math.Min(enough, 2L * request);
        }
    }

    /// <summary>
    /// Copies the allowed items of one query's list, in order, into <paramref name="ids"/> / <paramref name="distances"/>
    /// until they are full; returns how many were copied.
    /// </summary>
    public static int KeepAllowed(ReadOnlySpan<int> keys, ReadOnlySpan<float> keyDistances, int query, RetrievalExclusions? exclusions,
        Span<int> ids, Span<float> distances)
    {
        var kept = 0;
        for (var i = 0; i < keys.Length && kept < ids.Length; i++)
        {
            if (exclusions is not null && exclusions.IsExcluded(query, keys[i])) continue;
            ids[kept] = keys[i];
            distances[kept] = keyDistances[i];
            kept++;
        }
        return kept;
    }

    /// <summary>One thread's search buffers, grown as queries ask for more.</summary>
    private sealed class Buffers
    {
        public int[] Keys { get; private set; } = [];
        public float[] Distances { get; private set; } = [];

        public void EnsureLength(int length)
        {
            if (Keys.Length >= length) return;
            Keys = new int[length];
            Distances = new float[length];
        }
    }
}
