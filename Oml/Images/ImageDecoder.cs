using System.Buffers;
using Oml.Data;
using SkiaSharp;

namespace Oml.Images;

/// <summary>
/// Decodes JPEG, PNG, BMP, GIF (first frame) and WebP bytes to an 8-bit <see cref="RgbImage"/> with SkiaSharp,
/// the way OML's PIL reader does (<c>Image.open(f).convert("RGB")</c>):
/// <list type="bullet">
/// <item>grey images become RGB with three equal channels;</item>
/// <item>alpha is dropped, not composited: a pixel keeps its stored (unpremultiplied) colour whatever its alpha,
/// exactly like PIL's <c>convert("RGB")</c> of an RGBA or palette image;</item>
/// <item>no colour management (embedded ICC profiles are ignored) and no EXIF rotation, as in PIL.</item>
/// </list>
/// The optional bounding box is applied after decoding and before any transform (half-open, as in OML).
/// Images whose header announces more than <see cref="MaxPixels"/> pixels are refused before decoding
/// (decompression-bomb guard, PIL's <c>MAX_IMAGE_PIXELS</c>; the config key <c>max_image_pixels</c> and
/// <c>oml dataset check --max-pixels</c> set it). Instances are immutable and thread-safe.
/// </summary>
public sealed class ImageDecoder
{
    /// <summary>PIL's <c>Image.MAX_IMAGE_PIXELS</c>: 1024 * 1024 * 1024 / 4 / 3.</summary>
    public const long DefaultMaxPixels = 89_478_485;

    private const string ValidFormats = "JPEG, PNG, BMP, GIF or WebP";

    /// <param name="maxPixels">Largest width * height accepted.</param>
    /// <param name="allowDctDownscaling">Let JPEGs be decoded at 1/8..7/8 scale (libjpeg-turbo DCT scaling) when the
    /// transform passed to <see cref="Decode"/> says a smaller image gives the same result up to resampling noise.</param>
    public ImageDecoder(long maxPixels = DefaultMaxPixels, bool allowDctDownscaling = true)
    {
        if (maxPixels <= 0) throw new ArgumentOutOfRangeException(nameof(maxPixels), "maxPixels must be positive");
        MaxPixels = maxPixels;
        AllowDctDownscaling = allowDctDownscaling;
    }

    public static ImageDecoder Default { get; } = new();

    private static readonly AsyncLocal<ImageDecoder?> Ambient = new();

    /// <summary>
    /// The decoder of the run in progress on this logical thread: the one given to <see cref="Use"/> (a pipeline sets
    /// its config's <c>max_image_pixels</c> for everything it builds), else <see cref="Default"/>. Readers made without
    /// a decoder take this one when they are made.
    /// </summary>
    public static ImageDecoder Current => Ambient.Value ?? Default;

    /// <summary>Makes <paramref name="decoder"/> <see cref="Current"/> until the result is disposed (scopes nest).</summary>
    public static IDisposable Use(ImageDecoder decoder)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        var previous = Ambient.Value;
        Ambient.Value = decoder;
        return new Scope(previous);
    }

    /// <summary>A decoder with the pixel limit <paramref name="maxPixels"/> (<see cref="Default"/> for the default limit).</summary>
    public static ImageDecoder WithMaxPixels(long maxPixels) => maxPixels == DefaultMaxPixels ? Default : new ImageDecoder(maxPixels);

    private sealed class Scope(ImageDecoder? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            Ambient.Value = previous;
        }
    }

    public long MaxPixels { get; }

    public bool AllowDctDownscaling { get; }

    /// <summary>The size announced by the file header, without decoding the pixels.</summary>
    public ImageSize ReadSize(ReadOnlySpan<byte> encoded, string source)
    {
        using var data = OpenData(encoded, source);
        using var codec = OpenCodec(data, source);
        return new ImageSize(codec.Info.Width, codec.Info.Height);
    }

    /// <summary>Decodes an encoded image to RGB.</summary>
    /// <param name="encoded">The file's bytes.</param>
    /// <param name="source">Names the image in errors, usually its path.</param>
    /// <param name="box">Crop applied before anything else; must fit in the image.</param>
    /// <param name="transform">The transform that will consume the image. Without a box, a JPEG may then be decoded at a
    /// smaller DCT scale, no smaller than <see cref="IImageTransform.MinimumDecodeSize"/>.</param>
    public unsafe RgbImage Decode(ReadOnlySpan<byte> encoded, string source, BoundingBox? box = null, IImageTransform? transform = null)
    {
        using var data = OpenData(encoded, source);
        using var codec = OpenCodec(data, source);
        var full = CheckHeader(codec, source, box);
        var decodeSize = ChooseDecodeSize(codec, full, box, transform);
        var info = new SKImageInfo(decodeSize.Width, decodeSize.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = ArrayPool<byte>.Shared.Rent(checked(decodeSize.Width * decodeSize.Height * 4));
        try
        {
            fixed (byte* pixels = rgba)
            {
                var result = codec.GetPixels(info, (IntPtr)pixels);
                if (result != SKCodecResult.Success)
                    throw new OmlException(
                        $"Cannot decode image '{source}': {Explain(result)}; expected a complete {ValidFormats} file");
                var crop = box ?? new BoundingBox(0, decodeSize.Width, 0, decodeSize.Height);
                return DropAlpha(pixels, decodeSize.Width, crop);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgba);
        }
    }

    /// <summary>
    /// Reads only the header and checks what <see cref="Decode"/> would refuse before decoding: an unreadable or
    /// unknown format, the pixel limit, and a box that does not fit. Returns the image size.
    /// </summary>
    public ImageSize CheckHeader(ReadOnlySpan<byte> encoded, string source, BoundingBox? box = null)
    {
        using var data = OpenData(encoded, source);
        using var codec = OpenCodec(data, source);
        return CheckHeader(codec, source, box);
    }

    private ImageSize CheckHeader(SKCodec codec, string source, BoundingBox? box)
    {
        var full = new ImageSize(codec.Info.Width, codec.Info.Height);
        EnsureWithinPixelLimit(full, source);
        if (box is { } b && !b.FitsIn(full.Width, full.Height))
            throw new OmlException(
                $"The bounding box ({b}) of image '{source}' does not fit in the image of {full.Width}x{full.Height} pixels; " +
                $"valid boxes have 0 <= x_1 < x_2 <= {full.Width} and 0 <= y_1 < y_2 <= {full.Height}");
        return full;
    }

    private void EnsureWithinPixelLimit(ImageSize size, string source)
    {
        if (size.PixelCount <= MaxPixels) return;
        throw new OmlException(
            $"Image '{source}' is {size.Width}x{size.Height} = {size.PixelCount:N0} pixels, over the limit of {MaxPixels:N0} " +
            "that guards against decompression bombs; if the file is trusted, raise the limit: " +
            $"max_image_pixels: {size.PixelCount} in the config (or max_image_pixels={size.PixelCount} on the command line) for " +
            $"oml train / validate / predict, --max-pixels {size.PixelCount} for oml dataset check, " +
            "new ImageDecoder(maxPixels: ...) passed to ImageReader in code; or shrink the image");
    }

    private ImageSize ChooseDecodeSize(SKCodec codec, ImageSize full, BoundingBox? box, IImageTransform? transform)
    {
        // Box coordinates are in full-resolution pixels, so boxed images are always decoded at full size.
        if (!AllowDctDownscaling || box is not null || transform is null || codec.EncodedFormat != SKEncodedImageFormat.Jpeg)
            return full;
        if (transform.MinimumDecodeSize(full.Width, full.Height) is not { } minimum)
            return full;
        var best = full;
        for (var eighths = 1; eighths < 8; eighths++)
        {
            var scaled = codec.GetScaledDimensions(eighths / 8f);
            if (scaled.Width >= minimum.Width && scaled.Height >= minimum.Height && (long)scaled.Width * scaled.Height < best.PixelCount)
                best = new ImageSize(scaled.Width, scaled.Height);
        }
        return best;
    }

    private static unsafe RgbImage DropAlpha(byte* rgba, int stride, BoundingBox crop)
    {
        var image = RgbImage.CreateUninitialized(crop.Width, crop.Height);
        fixed (byte* rgb = image.Pixels)
        {
            for (var y = 0; y < crop.Height; y++)
            {
                var src = rgba + ((long)(crop.Y1 + y) * stride + crop.X1) * 4;
                var dst = rgb + (long)y * crop.Width * 3;
                for (var x = 0; x < crop.Width; x++, src += 4, dst += 3)
                {
                    dst[0] = src[0];
                    dst[1] = src[1];
                    dst[2] = src[2];
                }
            }
        }
        return image;
    }

    private static SKData OpenData(ReadOnlySpan<byte> encoded, string source)
    {
        if (encoded.IsEmpty)
            throw new OmlException($"Cannot read image '{source}': the file is empty; expected a {ValidFormats} file");
        return SKData.CreateCopy(encoded);
    }

    private static SKCodec OpenCodec(SKData data, string source) =>
        SKCodec.Create(data) ?? throw new OmlException(
            $"Cannot read image '{source}': it is not a {ValidFormats} file, or its header is corrupt");

    private static string Explain(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the file is truncated (incomplete input)",
        SKCodecResult.ErrorInInput => "the file is corrupt (error in input)",
        _ => $"the decoder failed ({result})",
    };
}
