namespace Oml.Retrieval;

/// <summary>
/// The k nearest gallery positions of every query, nearest first with ties broken by gallery position, excluded
/// pairs left out (so a query may have fewer than k).
/// </summary>
public sealed class KnnResult
{
    internal KnnResult(int k, int[] ids, float[] distances, int[] counts)
    {
        K = k;
        _ids = ids;
        _distances = distances;
        _counts = counts;
    }

    private readonly int[] _ids;
    private readonly float[] _distances;
    private readonly int[] _counts;

    public int K { get; }

    public int QueryCount => _counts.Length;

    public int Count(int query) => _counts[query];

    public ReadOnlySpan<int> Ids(int query) => _ids.AsSpan(query * K, _counts[query]);

    public ReadOnlySpan<float> Distances(int query) => _distances.AsSpan(query * K, _counts[query]);

    /// <summary>
    /// A result from per-query lists (an <see cref="IKnnSearch"/> of your own): each at most <paramref name="k"/>
    /// long, distances non-decreasing, ids and distances of equal length.
    /// </summary>
    public static KnnResult FromLists(int k, IReadOnlyList<int[]> ids, IReadOnlyList<float[]> distances)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), "k must be at least 1");
        if (ids.Count != distances.Count) throw new ArgumentException($"{ids.Count} id lists but {distances.Count} distance lists");
        var flatIds = new int[(long)ids.Count * k];
        var flatDistances = new float[(long)ids.Count * k];
        var counts = new int[ids.Count];
        for (var q = 0; q < ids.Count; q++)
        {
            var (i, d) = (ids[q], distances[q]);
            if (i.Length != d.Length || i.Length > k) throw new ArgumentException($"query {q}: {i.Length} ids and {d.Length} distances for k = {k}");
            for (var j = 1; j < d.Length; j++)
            {
                if (!(d[j] >= d[j - 1])) throw new ArgumentException($"query {q}: distances are not sorted at position {j}");
            }
            i.CopyTo(flatIds, (long)q * k);
            d.CopyTo(flatDistances, (long)q * k);
            counts[q] = i.Length;
        }
        return new KnnResult(k, flatIds, flatDistances, counts);
    }
}
