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

    /// <summary>
    /// Per query: how many gallery positions it may not retrieve (its own row, and the items of its sequence), so a
    /// search that filters after the fact knows how many more to ask for.
    /// </summary>
    public int[] ExcludedCounts()
    {
        var perSequence = new Dictionary<int, int>();
        if (GallerySequence is not null)
        {
            foreach (var s in GallerySequence)
            {
                if (s >= 0) perSequence[s] = perSequence.GetValueOrDefault(s) + 1;
            }
        }
        var counts = new int[SelfPosition.Length];
        for (var q = 0; q < counts.Length; q++)
        {
            var sequence = QuerySequence?[q] ?? -1;
            var inSequence = sequence >= 0 ? perSequence.GetValueOrDefault(sequence) : 0;
            var self = SelfPosition[q];
            var selfOutsideSequence = self >= 0 && (sequence < 0 || GallerySequence![self] != sequence);
            counts[q] = inSequence + (selfOutsideSequence ? 1 : 0);
        }
        return counts;
    }

    /// <summary>No exclusions (separate query and gallery sets without sequences).</summary>
    public static RetrievalExclusions None(int queries, int galleries) =>
        new(Enumerable.Range(0, queries).ToArray(), Enumerable.Range(queries, galleries).ToArray());
}
