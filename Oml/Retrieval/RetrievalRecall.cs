namespace Oml.Retrieval;

/// <summary>
/// How much of the exact answer an approximate search found: the fraction of the exact top-k items (per query, after
/// the exclusions) that the approximate top-k also holds, pooled over all queries. 1 means every exact neighbour was
/// found; it says nothing about labels (the retrieval metrics do). An item tied in distance with the exact k-th item
/// may stand in for it and still count as a miss, so with many ties recall can read slightly low.
/// </summary>
public static class RetrievalRecall
{
    /// <returns>The pooled fraction, or NaN when no query has an exact neighbour.</returns>
    public static double AtK(IReadOnlyList<int[]> approximate, IReadOnlyList<int[]> exact, int k)
    {
        if (approximate.Count != exact.Count) throw new ArgumentException($"{approximate.Count} approximate lists for {exact.Count} exact ones");
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), "k must be at least 1");
        long found = 0, wanted = 0;
        for (var q = 0; q < exact.Count; q++)
        {
            var truth = exact[q].AsSpan(0, Math.Min(k, exact[q].Length));
            var answer = approximate[q].AsSpan(0, Math.Min(k, approximate[q].Length));
            wanted += truth.Length;
            foreach (var id in truth)
            {
                if (answer.Contains(id)) found++;
            }
        }
        return wanted == 0 ? double.NaN : (double)found / wanted;
    }
}
