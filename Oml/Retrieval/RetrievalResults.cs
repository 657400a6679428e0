namespace Oml.Retrieval;

/// <summary>
/// What retrieval found for every query: the gallery items it retrieved, nearest first, with their distances, and
/// its ground truth (every gallery item of the same label that is not excluded for it). Gallery items are named by
/// their position in the gallery list (0..G-1), as in OML; <see cref="QueryRows"/> and <see cref="GalleryRows"/>
/// map positions back to rows of the dataset (e.g. of its validation split).
/// A query may retrieve fewer items than asked (exclusions, thresholding) and may have no ground truth at all
/// (counted in <see cref="QueriesWithoutGroundTruth"/>, never turned into NaN).
/// </summary>
public sealed class RetrievalResults
{
    public RetrievalResults(
        IReadOnlyList<int[]> retrieved,
        IReadOnlyList<float[]> distances,
        IReadOnlyList<int[]> groundTruth,
        IReadOnlyList<int> queryRows,
        IReadOnlyList<int> galleryRows)
    {
        if (retrieved.Count != distances.Count || retrieved.Count != groundTruth.Count || retrieved.Count != queryRows.Count)
        {
            throw new ArgumentException(
                $"retrieved ({retrieved.Count}), distances ({distances.Count}), ground truth ({groundTruth.Count}) and query rows ({queryRows.Count}) must have one entry per query");
        }
        var galleryCount = galleryRows.Count;
        HashSet<int>? seen = null;
        var withoutGroundTruth = 0;
        for (var q = 0; q < retrieved.Count; q++)
        {
            var ids = retrieved[q];
            var d = distances[q];
            var gt = groundTruth[q];
            if (ids.Length != d.Length) throw new ArgumentException($"query {q}: {ids.Length} retrieved ids but {d.Length} distances");
            for (var i = 1; i < d.Length; i++)
            {
                if (!(d[i] >= d[i - 1])) throw new ArgumentException($"query {q}: distances are not sorted at position {i} ({d[i - 1]} then {d[i]})");
            }
            if (!AllInRange(ids, galleryCount) || !AllInRange(gt, galleryCount))
            {
                throw new ArgumentException($"query {q}: gallery ids must be in 0..{galleryCount - 1}");
            }
            if (HasDuplicate(ids, ref seen)) throw new ArgumentException($"query {q}: a gallery item is retrieved twice");
            for (var i = 1; i < gt.Length; i++)
            {
                if (gt[i] <= gt[i - 1]) throw new ArgumentException($"query {q}: ground truth must be ascending and unique");
            }
            if (gt.Length == 0) withoutGroundTruth++;
        }
        Retrieved = retrieved;
        Distances = distances;
        GroundTruth = groundTruth;
        QueryRows = queryRows;
        GalleryRows = galleryRows;
        QueriesWithoutGroundTruth = withoutGroundTruth;
    }

    private static bool AllInRange(int[] ids, int count)
    {
        foreach (var id in ids)
        {
            if ((uint)id >= (uint)count) return false;
        }
        return true;
    }

    /// <summary>Pairwise for short lists (the usual top-k), a set for long ones.</summary>
    private static bool HasDuplicate(int[] ids, ref HashSet<int>? seen)
    {
        if (ids.Length <= 32)
        {
            for (var i = 1; i < ids.Length; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (ids[i] == ids[j]) return true;
                }
            }
            return false;
        }
        seen ??= [];
        seen.Clear();
        foreach (var id in ids)
        {
            if (!seen.Add(id)) return true;
        }
        return false;
    }

    public int QueryCount => Retrieved.Count;

    public int GalleryCount => GalleryRows.Count;

    /// <summary>Per query: retrieved gallery positions, nearest first (ties by gallery position).</summary>
    public IReadOnlyList<int[]> Retrieved { get; }

    /// <summary>Per query: distances of <see cref="Retrieved"/>, non-decreasing.</summary>
    public IReadOnlyList<float[]> Distances { get; }

    /// <summary>Per query: gallery positions with the query's label that are not excluded for it, ascending.</summary>
    public IReadOnlyList<int[]> GroundTruth { get; }

    /// <summary>Dataset row of each query.</summary>
    public IReadOnlyList<int> QueryRows { get; }

    /// <summary>Dataset row of each gallery position.</summary>
    public IReadOnlyList<int> GalleryRows { get; }

    /// <summary>Queries whose ground truth is empty (their only same-label item is themselves or shares their sequence).</summary>
    public int QueriesWithoutGroundTruth { get; }

    /// <summary>For query <paramref name="q"/>: whether each retrieved item is in its ground truth.</summary>
    public bool[] Hits(int q)
    {
        var gt = GroundTruth[q].AsSpan();
        var ids = Retrieved[q];
        var hits = new bool[ids.Length];
        for (var i = 0; i < ids.Length; i++) hits[i] = gt.BinarySearch(ids[i]) >= 0;
        return hits;
    }

    /// <summary>1-based rank of the first correct item among query <paramref name="q"/>'s retrieved items, or null when none is correct.</summary>
    public int? FirstCorrectRank(int q)
    {
        var index = Array.IndexOf(Hits(q), true);
        return index < 0 ? null : index + 1;
    }

    /// <summary>
    /// How far query <paramref name="q"/>'s first correct item lies behind its top result: the distance to the first
    /// correct item minus the distance to the top one (0 when the top one is correct); null when none is correct.
    /// </summary>
    public float? GapToFirstCorrect(int q)
    {
        var rank = FirstCorrectRank(q);
        return rank is { } r ? Distances[q][r - 1] - Distances[q][0] : null;
    }

    /// <summary>The same queries and ground truth with new retrieved lists (what postprocessors return).</summary>
    public RetrievalResults WithRetrieved(IReadOnlyList<int[]> retrieved, IReadOnlyList<float[]> distances) =>
        new(retrieved, distances, GroundTruth, QueryRows, GalleryRows);
}
