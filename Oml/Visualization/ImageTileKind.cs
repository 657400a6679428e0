namespace Oml.Visualization;

/// <summary>What a tile of a retrieval grid shows, which decides its frame colour (<see cref="TileColors"/>).</summary>
public enum ImageTileKind
{
    /// <summary>The query itself (blue frame).</summary>
    Query,

    /// <summary>A retrieved item that is in the query's ground truth (green frame).</summary>
    Correct,

    /// <summary>A retrieved item that is not in the query's ground truth (red frame).</summary>
    Wrong,

    /// <summary>A retrieved item of a query without any ground truth, so correctness is unknown (black frame).</summary>
    Unknown,

    /// <summary>A ground-truth item of the query, shown whether or not it was retrieved (grey frame).</summary>
    GroundTruth,
}
