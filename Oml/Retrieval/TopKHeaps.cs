using System.Runtime.CompilerServices;

namespace Oml.Retrieval;

/// <summary>
/// A bounded max-heap of (distance, gallery position) per query, ordered by distance then position, so the kept set
/// and its order are exact and deterministic. Each query's heap is touched by one thread at a time.
/// </summary>
internal sealed class TopKHeaps
{
    private readonly int _k;
    private readonly float[] _distances;
    private readonly int[] _ids;
    private readonly int[] _counts;

    public TopKHeaps(int queries, int k)
    {
        _k = k;
        _distances = new float[(long)queries * k];
        _ids = new int[(long)queries * k];
        _counts = new int[queries];
    }

    /// <summary>The distance an item must not exceed to enter (+inf while the heap is not full).</summary>
    public float Worst(int query) => _counts[query] < _k ? float.PositiveInfinity : _distances[(long)query * _k];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called from the scan's hot loop (see ExactKnn)
    public void Offer(int query, int id, float distance)
    {
        var start = query * _k;
        var count = _counts[query];
        if (count < _k)
        {
            var i = count;
            _counts[query] = count + 1;
            while (i > 0)
            {
                var parent = (i - 1) / 2;
                if (!Worse(distance, id, _distances[start + parent], _ids[start + parent])) break;
                _distances[start + i] = _distances[start + parent];
                _ids[start + i] = _ids[start + parent];
                i = parent;
            }
            _distances[start + i] = distance;
            _ids[start + i] = id;
            return;
        }
        if (!Worse(_distances[start], _ids[start], distance, id)) return;
        var at = 0;
        while (true)
        {
            var left = 2 * at + 1;
            if (left >= _k) break;
            var child = left + 1 < _k && Worse(_distances[start + left + 1], _ids[start + left + 1], _distances[start + left], _ids[start + left]) ? left + 1 : left;
            if (!Worse(_distances[start + child], _ids[start + child], distance, id)) break;
            _distances[start + at] = _distances[start + child];
            _ids[start + at] = _ids[start + child];
            at = child;
        }
        _distances[start + at] = distance;
        _ids[start + at] = id;
    }

    /// <summary>
    /// Sorted lists (by key, then gallery position), keys turned into distances by their square root when
    /// <paramref name="squareRoot"/> (monotone, so the order holds). Short lists are sorted by insertion in place,
    /// longer ones with a comparer struct (no delegate call per comparison).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public KnnResult ToResult(bool squareRoot)
    {
        const int insertionLimit = 16;
        var pairs = _k > insertionLimit ? new (float Distance, int Id)[_k] : [];
        for (var q = 0; q < _counts.Length; q++)
        {
            var start = q * _k;
            var n = _counts[q];
            if (n <= insertionLimit)
            {
                for (var i = start + 1; i < start + n; i++)
                {
                    var (d, id) = (_distances[i], _ids[i]);
                    var j = i - 1;
                    for (; j >= start && Worse(_distances[j], _ids[j], d, id); j--)
                    {
                        _distances[j + 1] = _distances[j];
                        _ids[j + 1] = _ids[j];
                    }
                    _distances[j + 1] = d;
                    _ids[j + 1] = id;
                }
            }
            else
            {
                for (var i = 0; i < n; i++) pairs[i] = (_distances[start + i], _ids[start + i]);
                pairs.AsSpan(0, n).Sort(default(PairOrder));
                for (var i = 0; i < n; i++) (_distances[start + i], _ids[start + i]) = pairs[i];
            }
            if (squareRoot)
            {
                for (var i = start; i < start + n; i++) _distances[i] = MathF.Sqrt(_distances[i]);
            }
        }
        return new KnnResult(_k, _ids, _distances, _counts);
    }

    private readonly struct PairOrder : IComparer<(float Distance, int Id)>
    {
        public int Compare((float Distance, int Id) a, (float Distance, int Id) b) =>
            a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.Id.CompareTo(b.Id);
    }

    private static bool Worse(float d1, int id1, float d2, int id2) => d1 > d2 || (d1 == d2 && id1 > id2);
}
