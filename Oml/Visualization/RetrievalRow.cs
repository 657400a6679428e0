namespace Oml.Visualization;

/// <summary>
/// One row of a retrieval grid: the query tile, its top retrieved items (nearest first) and some of its ground-truth
/// items. <see cref="QueryIndex"/> is the query's position in <see cref="Oml.Retrieval.RetrievalResults"/>.
/// </summary>
public sealed record RetrievalRow(int QueryIndex, ImageTile Query, IReadOnlyList<ImageTile> Results, IReadOnlyList<ImageTile> GroundTruth)
{
    /// <summary>The tiles left to right: query, results, ground truth.</summary>
    public IEnumerable<ImageTile> Tiles => [Query, .. Results, .. GroundTruth];
}
