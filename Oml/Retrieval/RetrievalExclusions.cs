namespace Oml.Retrieval;

/// <summary>
/// Which (query, gallery) pairs are ignored, as in OML: the same dataset row (a query never retrieves itself) and,
/// when the dataset has a <c>sequence</c> column, gallery items of the query's sequence.
/// </summary>
public sealed class RetrievalExclusions
{
    /// <param name="queryRows">Dataset row of each query.</param>
    /// <param name="galleryRows">Dataset row of each gallery position.</param>
    /// <param name="sequenceOfRow">Sequence id of each dataset row (any int; -1 = no sequence), or null.</param>
    public RetrievalExclusions(IReadOnlyList<int> queryRows, IReadOnlyList<int> galleryRows, IReadOnlyList<int>? sequenceOfRow = null)
    {
        var galleryPositionOfRow = new Dictionary<int, int>(galleryRows.Count);
        for (var g = 0; g < galleryRows.Count; g++) galleryPositionOfRow.TryAdd(galleryRows[g], g);
        SelfPosition = queryRows.Select(r => galleryPositionOfRow.TryGetValue(r, out var g) ? g : -1).ToArray();
        if (sequenceOfRow is not null)
        {
            QuerySequence = queryRows.Select(r => sequenceOfRow[r]).ToArray();
            GallerySequence = galleryRows.Select(r => sequenceOfRow[r]).ToArray();
        }
    }

    /// <summary>Per query: the gallery position of its own row, or -1.</summary>
    public int[] SelfPosition { get; }

    public int[]? QuerySequence { get; }

    public int[]? GallerySequence { get; }

    public bool IsExcluded(int query, int galleryPosition) =>
        SelfPosition[query] == galleryPosition
        || (QuerySequence is not null && QuerySequence[query] >= 0 && QuerySequence[query] == GallerySequence![galleryPosition]);

    /// <summary>No exclusions (separate query and gallery sets without sequences).</summary>
    public static RetrievalExclusions None(int queries, int galleries) =>
        new(Enumerable.Range(0, queries).ToArray(), Enumerable.Range(queries, galleries).ToArray());
}
