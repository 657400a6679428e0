using Oml.Data;
using Oml.Images;
using SkiaSharp;

namespace Oml.Visualization;

/// <summary>
/// Renders retrieval rows (<see cref="RetrievalRows"/>) as one PNG, like OML's worst-query figure: one line per query,
/// columns = query, results, ground truth (ground-truth tiles start in the same column on every line). Each tile is a
/// <c>tileSize</c> square with a frame of the tile's colour (<see cref="TileColors"/>, thickness
/// <c>max(3, 5% of tileSize)</c>) around the image, cropped to its box, aspect kept and letterboxed on white;
/// the caption is centred under the tile and an optional title line sits on top. Unreadable images become
/// placeholders (see <see cref="RetrievalGridRendering"/>).
/// </summary>
public static class RetrievalGridImage
{
    public const int DefaultTileSize = 160;

    private static readonly SKColor Background = SKColors.White;
    private static readonly SKColor PlaceholderFill = new(230, 230, 230);
    private static readonly SKColor PlaceholderInk = new(90, 90, 90);

    /// <summary>The PNG bytes of the grid (problems are dropped; use <see cref="Render(IReadOnlyList{RetrievalRow}, int, string?)"/> to see them).</summary>
    public static byte[] RenderPng(IReadOnlyList<RetrievalRow> rows, int tileSize = DefaultTileSize, string? title = null) =>
        Render(rows, tileSize, title).Png;

    /// <summary>The grid with its size and the list of tiles that could not be shown.</summary>
    public static RetrievalGridRendering Render(IReadOnlyList<RetrievalRow> rows, int tileSize = DefaultTileSize, string? title = null) =>
        Render(rows, tileSize, title, CaptionTypeface.Default);

    internal static RetrievalGridRendering Render(IReadOnlyList<RetrievalRow> rows, int tileSize, string? title, SKTypeface? typeface)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (tileSize < 16) throw new ArgumentOutOfRangeException(nameof(tileSize), tileSize, "tileSize must be at least 16 pixels");
        var problems = new List<string>();
        var canDrawText = typeface is { GlyphCount: > 0 };
        if (!canDrawText) problems.Add("no font with glyphs was found: captions and title are not drawn");
        var layout = new GridLayout(rows, tileSize, hasTitle: !string.IsNullOrEmpty(title));

        using var bitmap = new SKBitmap(new SKImageInfo(layout.Width, layout.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var font = canDrawText ? new SKFont(typeface, layout.FontSize) : null)
        using (var titleFont = canDrawText ? new SKFont(typeface, layout.TitleFontSize) : null)
        using (var textPaint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        {
            canvas.Clear(Background);
            if (titleFont is not null && !string.IsNullOrEmpty(title))
            {
                canvas.DrawText(Fit(title, titleFont, layout.Width - 2 * layout.Gap), layout.Gap, layout.Gap + layout.TitleFontSize, SKTextAlign.Left, titleFont, textPaint);
            }
            var images = new Dictionary<(string, BoundingBox?), RgbImage?>();
            try
            {
                for (var r = 0; r < rows.Count; r++)
                {
                    var row = rows[r];
                    var columns = new List<(int Column, ImageTile Tile)> { (0, row.Query) };
                    columns.AddRange(row.Results.Select((t, i) => (1 + i, t)));
                    columns.AddRange(row.GroundTruth.Select((t, i) => (1 + layout.ResultColumns + i, t)));
                    foreach (var (column, tile) in columns)
                    {
                        var (x, y) = layout.TileOrigin(r, column);
                        var image = LoadOnce(images, tile, problems);
                        DrawTile(canvas, tile, image, x, y, layout, font, textPaint);
                    }
                }
            }
            finally
            {
                foreach (var image in images.Values) image?.Dispose();
            }
        }
        // zlib level 3 with the Up filter: lossless, ~10 % larger than Skia's default (level 6, all filters) and about 5x
        // faster to encode (measured on a 1325x963 grid of photos: 49 vs ~200-460 ms), which matters at every validation
        using var pixels = bitmap.PeekPixels();
        using var data = pixels.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.Up, 3))
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {layout.Width}x{layout.Height} grid as PNG");
        return new RetrievalGridRendering(data.ToArray(), layout.Width, layout.Height, canDrawText, problems);
    }

    private static RgbImage? LoadOnce(Dictionary<(string, BoundingBox?), RgbImage?> images, ImageTile tile, List<string> problems)
    {
        var key = (tile.ImagePath, tile.Box);
        if (images.TryGetValue(key, out var image))
        {
            if (image is null) problems.Add($"{tile.Caption}: image '{tile.ImagePath}' could not be read (see above)");
            return image;
        }
        try
        {
            image = ImageDecoder.Current.Decode(ImageBytesCache.ReadFile(tile.ImagePath), tile.ImagePath, tile.Box);
        }
        catch (OmlException e)
        {
            problems.Add($"{tile.Caption}: {e.Message}");
            image = null;
        }
        images[key] = image;
        return image;
    }

    private static void DrawTile(SKCanvas canvas, ImageTile tile, RgbImage? image, int x, int y, GridLayout layout, SKFont? font, SKPaint textPaint)
    {
        var (r, g, b) = TileColors.Rgb(tile.Kind);
        using (var framePaint = new SKPaint { Color = new SKColor(r, g, b), IsAntialias = false, Style = SKPaintStyle.Fill })
        {
            canvas.DrawRect(SKRect.Create(x, y, layout.TileSize, layout.TileSize), framePaint);
        }
        var inner = layout.TileSize - 2 * layout.Frame;
        int innerX = x + layout.Frame, innerY = y + layout.Frame;
        using (var fill = new SKPaint { Color = image is null ? PlaceholderFill : Background, IsAntialias = false })
        {
            canvas.DrawRect(SKRect.Create(innerX, innerY, inner, inner), fill);
        }
        if (image is null)
        {
            using var ink = new SKPaint { Color = PlaceholderInk, IsAntialias = true, StrokeWidth = Math.Max(1, inner / 64f), Style = SKPaintStyle.Stroke };
            canvas.DrawLine(innerX, innerY, innerX + inner, innerY + inner, ink);
            canvas.DrawLine(innerX + inner, innerY, innerX, innerY + inner, ink);
            if (font is not null)
            {
                using var background = new SKPaint { Color = PlaceholderFill, IsAntialias = false };
                var textWidth = font.MeasureText("missing") + 6;
                canvas.DrawRect(SKRect.Create(innerX + (inner - textWidth) / 2, innerY + inner / 2f - font.Size, textWidth, font.Size * 1.5f), background);
                canvas.DrawText("missing", innerX + inner / 2f, innerY + inner / 2f + font.Size / 3, SKTextAlign.Center, font, textPaint);
            }
        }
        else
        {
            var (w, h) = Thumbnail.FitSize(image.Width, image.Height, inner, inner);
            using var fitted = Thumbnail.Resize(image, w, h);
            DrawRgb(canvas, fitted, innerX + (inner - w) / 2, innerY + (inner - h) / 2);
        }
        if (font is not null)
        {
            canvas.DrawText(Fit(tile.Caption, font, layout.TileSize + layout.Gap - 2), x + layout.TileSize / 2f,
                y + layout.TileSize + layout.FontSize * 1.15f, SKTextAlign.Center, font, textPaint);
        }
    }

    private static unsafe void DrawRgb(SKCanvas canvas, RgbImage image, int x, int y)
    {
        var rgba = ImageEncoding.ToRgba(image);
        fixed (byte* p = rgba)
        {
            using var pixmap = new SKPixmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque), (IntPtr)p, image.Width * 4);
            using var skImage = SKImage.FromPixelCopy(pixmap);
            canvas.DrawImage(skImage, x, y, SKSamplingOptions.Default, null);
        }
    }

    /// <summary>The text, cut and ended with "..." when it is wider than <paramref name="maxWidth"/>.</summary>
    private static string Fit(string text, SKFont font, float maxWidth)
    {
        if (font.MeasureText(text) <= maxWidth) return text;
        for (var length = text.Length - 1; length > 0; length--)
        {
            var cut = text[..length] + "...";
            if (font.MeasureText(cut) <= maxWidth) return cut;
        }
        return "";
    }

    /// <summary>Pixel geometry of a grid (internal so that tests can find tiles).</summary>
    internal sealed class GridLayout
    {
        public GridLayout(IReadOnlyList<RetrievalRow> rows, int tileSize, bool hasTitle)
        {
            TileSize = tileSize;
            Frame = Math.Max(3, (int)Math.Round(0.05 * tileSize));
            Gap = Math.Max(4, tileSize / 32);
            FontSize = Math.Max(10, tileSize / 12);
            TitleFontSize = FontSize + 4;
            CaptionHeight = (int)Math.Ceiling(FontSize * 1.6);
            TitleHeight = hasTitle ? (int)Math.Ceiling(TitleFontSize * 1.6) : 0;
            ResultColumns = rows.Select(r => r.Results.Count).DefaultIfEmpty(0).Max();
            GroundTruthColumns = rows.Select(r => r.GroundTruth.Count).DefaultIfEmpty(0).Max();
            Columns = 1 + ResultColumns + GroundTruthColumns;
            Width = Gap + Columns * (TileSize + Gap);
            Height = Gap + TitleHeight + Math.Max(1, rows.Count) * (TileSize + CaptionHeight + Gap);
        }

        public int TileSize { get; }

        public int Frame { get; }

        public int Gap { get; }

        public int FontSize { get; }

        public int TitleFontSize { get; }

        public int CaptionHeight { get; }

        public int TitleHeight { get; }

        public int ResultColumns { get; }

        public int GroundTruthColumns { get; }

        public int Columns { get; }

        public int Width { get; }

        public int Height { get; }

        /// <summary>Top-left pixel of the tile (frame included) at <paramref name="row"/>, <paramref name="column"/>.</summary>
        public (int X, int Y) TileOrigin(int row, int column) =>
            (Gap + column * (TileSize + Gap), Gap + TitleHeight + row * (TileSize + CaptionHeight + Gap));
    }
}
