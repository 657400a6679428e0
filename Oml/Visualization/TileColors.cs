namespace Oml.Visualization;

/// <summary>
/// Frame colours of OML's worst-query figures (the constants of <c>oml/const.py</c> as
/// <c>RetrievalResults.visualize_with_functions</c> uses them; docs/oml-metrics.md §7): query blue (0,0,255), correct green
/// (0,255,0), wrong red (255,0,0), unknown black, ground truth grey (120,120,120). PNG grids and HTML use the same.
/// </summary>
public static class TileColors
{
    public static (byte R, byte G, byte B) Rgb(ImageTileKind kind) => kind switch
    {
        ImageTileKind.Query => (0, 0, 255),
        ImageTileKind.Correct => (0, 255, 0),
        ImageTileKind.Wrong => (255, 0, 0),
        ImageTileKind.Unknown => (0, 0, 0),
        ImageTileKind.GroundTruth => (120, 120, 120),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The colour as CSS, e.g. <c>rgb(0,0,255)</c>.</summary>
    public static string Css(ImageTileKind kind)
    {
        var (r, g, b) = Rgb(kind);
        return $"rgb({r},{g},{b})";
    }
}
