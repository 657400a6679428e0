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
}
