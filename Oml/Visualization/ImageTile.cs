using Oml.Data;

namespace Oml.Visualization;

/// <summary>
/// One cell of a retrieval grid: the image file (full path) and optional crop box of a dataset row, what the cell
/// shows (<see cref="Kind"/>, hence its frame colour) and its caption (OML's titles: <c>Query #3</c>,
/// <c>Gallery #7 - 0.125</c>, <c>GT</c>). Pure data: nothing is read until a grid is rendered.
/// </summary>
public sealed record ImageTile(string ImagePath, BoundingBox? Box, ImageTileKind Kind, string Caption)
{
    /// <summary>The label of the row, for captions or tooltips of front ends (null when unknown).</summary>
    public long? Label { get; init; }
}
