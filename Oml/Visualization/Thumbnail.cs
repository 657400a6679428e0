using Oml.Data;
using Oml.Images;

namespace Oml.Visualization;

/// <summary>
/// Small previews of dataset images for grids and HTML views: the image is decoded, cropped to its bounding box and
/// shrunk (antialiased, aspect kept) so that its longer side is at most <c>maxSide</c>; smaller images are not
/// enlarged. Pure functions of the file's content; a missing or unreadable file is an <see cref="OmlException"/>
/// naming it, so a caller decides whether to show a placeholder (the grids do).
/// </summary>
public static class Thumbnail
{
    public const int DefaultMaxSide = 128;

    private const string PngDataUriPrefix = "data:image/png;base64,";

    /// <summary>Quality of the JPEG thumbnails inlined in HTML views: a third of the PNG's size for photos, no visible loss at tile size.</summary>
    public const int HtmlJpegQuality = 85;

    /// <summary>The decoded, cropped and shrunk image; the caller disposes it.</summary>
    public static RgbImage Load(string path, BoundingBox? box = null, int maxSide = DefaultMaxSide)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (maxSide <= 0) throw new ArgumentOutOfRangeException(nameof(maxSide), maxSide, "maxSide must be positive");
        using var image = ImageDecoder.Current.Decode(ImageBytesCache.ReadFile(path), path, box);
        var scale = Math.Min(1.0, (double)maxSide / Math.Max(image.Width, image.Height));
        return Resize(image, Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)));
    }

    /// <summary>PNG bytes of the thumbnail of <paramref name="path"/>.</summary>
    public static byte[] Png(string path, BoundingBox? box = null, int maxSide = DefaultMaxSide)
    {
        using var image = Load(path, box, maxSide);
        return ImageEncoding.EncodePng(image);
    }

    /// <summary>PNG bytes of the thumbnail of a dataset row (its path resolved against the frame's dataset root, its box applied).</summary>
    public static byte[] Png(DatasetFrame frame, DatasetRow row, int maxSide = DefaultMaxSide)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(row);
        return Png(frame.ResolvePath(row), row.Box, maxSide);
    }

    /// <summary>A <c>data:image/png;base64,...</c> URI of the thumbnail of a dataset row, for an HTML <c>img</c>.</summary>
    public static string DataUri(DatasetFrame frame, DatasetRow row, int maxSide = DefaultMaxSide) => DataUri(Png(frame, row, maxSide));

    /// <summary>
    /// A <c>data:image/jpeg;base64,...</c> URI of the thumbnail, for an HTML <c>img</c> of a tile of
    /// <paramref name="maxSide"/> pixels: views inline many of them, so they are JPEG, not PNG.
    /// </summary>
    public static string HtmlDataUri(string path, BoundingBox? box, int maxSide)
    {
        using var image = Load(path, box, maxSide);
        return "data:image/jpeg;base64," + Convert.ToBase64String(ImageEncoding.EncodeJpeg(image, HtmlJpegQuality));
    }

    /// <summary>A <c>data:image/png;base64,...</c> URI of PNG bytes.</summary>
    public static string DataUri(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        return PngDataUriPrefix + Convert.ToBase64String(png);
    }

    /// <summary>The largest <c>width x height</c> of the image's aspect that fits in <paramref name="boxWidth"/> x
    /// <paramref name="boxHeight"/> (enlarging if needed).</summary>
    internal static (int Width, int Height) FitSize(int width, int height, int boxWidth, int boxHeight)
    {
        var scale = Math.Min((double)boxWidth / width, (double)boxHeight / height);
        return (Math.Clamp((int)Math.Round(width * scale), 1, boxWidth), Math.Clamp((int)Math.Round(height * scale), 1, boxHeight));
    }

    internal static RgbImage Resize(RgbImage image, int width, int height) =>
        width == image.Width && height == image.Height ? image.Clone() : ImageResize.Resize(image, width, height, ResampleFilter.Bilinear);
}
