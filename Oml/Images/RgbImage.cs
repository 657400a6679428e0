using System.Buffers;

namespace Oml.Images;

/// <summary>
/// An 8-bit RGB image, rows top to bottom, pixels interleaved <c>R,G,B</c> (<c>Pixels[(y * Width + x) * 3 + c]</c>).
/// The buffer is rented from <see cref="ArrayPool{T}.Shared"/> so decoding many images does not churn the large
/// object heap; <see cref="Dispose"/> returns it. Whoever creates an image disposes it; transforms only read theirs.
/// </summary>
public sealed class RgbImage : IDisposable
{
    private byte[]? _buffer;

    /// <summary>A black image of the given size.</summary>
    public RgbImage(int width, int height)
        : this(width, height, clear: true)
    {
    }

    private RgbImage(int width, int height, bool clear)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"Image size must be positive, got {width}x{height}");
        Width = width;
        Height = height;
        _buffer = ArrayPool<byte>.Shared.Rent(checked(width * height * 3));
        if (clear) Pixels.Clear();
    }

    /// <summary>An image holding a copy of <paramref name="rgb"/> (length <c>width * height * 3</c>).</summary>
    public RgbImage(int width, int height, ReadOnlySpan<byte> rgb)
        : this(width, height, clear: false)
    {
        if (rgb.Length != width * height * 3)
            throw new ArgumentException($"Expected {width * height * 3} bytes for {width}x{height} RGB, got {rgb.Length}", nameof(rgb));
        rgb.CopyTo(Pixels);
    }

    /// <summary>An image whose pixels are whatever the pooled buffer held; for code that overwrites every pixel.</summary>
    internal static RgbImage CreateUninitialized(int width, int height) => new(width, height, clear: false);

    public int Width { get; }

    public int Height { get; }

    public ImageSize Size => new(Width, Height);

    /// <summary>Interleaved RGB bytes, <c>Width * Height * 3</c> of them.</summary>
    public Span<byte> Pixels =>
        (_buffer ?? throw new ObjectDisposedException(nameof(RgbImage))).AsSpan(0, Width * Height * 3);

    public (byte R, byte G, byte B) GetPixel(int x, int y)
    {
        var i = Offset(x, y);
        var p = Pixels;
        return (p[i], p[i + 1], p[i + 2]);
    }

    public void SetPixel(int x, int y, byte r, byte g, byte b)
    {
        var i = Offset(x, y);
        var p = Pixels;
        p[i] = r;
        p[i + 1] = g;
        p[i + 2] = b;
    }

    /// <summary>A new image with the pixels of <paramref name="x"/>..<c>x+width</c>, <paramref name="y"/>..<c>y+height</c>.</summary>
    public RgbImage Crop(int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > Width || y + height > Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"Crop {x},{y} {width}x{height} does not fit in {Width}x{Height}");
        var result = CreateUninitialized(width, height);
        var src = Pixels;
        var dst = result.Pixels;
        for (var row = 0; row < height; row++)
            src.Slice(((y + row) * Width + x) * 3, width * 3).CopyTo(dst.Slice(row * width * 3, width * 3));
        return result;
    }

    private int Offset(int x, int y) => (uint)x < (uint)Width && (uint)y < (uint)Height
        ? (y * Width + x) * 3
        : throw new ArgumentOutOfRangeException(nameof(x), $"Pixel ({x}, {y}) is outside the {Width}x{Height} image");

    public RgbImage Clone() => new(Width, Height, Pixels);

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }
}
