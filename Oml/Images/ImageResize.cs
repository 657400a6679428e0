using System.Buffers;
using System.Runtime.Intrinsics;

namespace Oml.Images;

/// <summary>
/// Separable resampling of 8-bit RGB images with PIL's algorithm (<c>Image.resize(size, filter, box)</c>): the kernel
/// is stretched by the scale factor when shrinking, so downscaling is antialiased the way torchvision's
/// <c>Resize(antialias=True)</c> does it on PIL images. Results match PIL to within one 8-bit level (float
/// weights instead of PIL's fixed point).
/// </summary>
public static class ImageResize
{
    /// <summary>Resizes the whole image to <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static RgbImage Resize(RgbImage source, int width, int height, ResampleFilter filter) =>
        Resize(source, 0, 0, source.Width, source.Height, width, height, filter);

    /// <summary>Resizes the source region <c>[left, right) x [top, bottom)</c> (fractional pixels allowed) to
    /// <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static RgbImage Resize(
        RgbImage source, double left, double top, double right, double bottom, int width, int height, ResampleFilter filter)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"Output size {width}x{height} must be positive");
        if (left < 0 || top < 0 || right > source.Width || bottom > source.Height || left >= right || top >= bottom)
            throw new ArgumentOutOfRangeException(nameof(left), $"Region [{left}, {right}) x [{top}, {bottom}) is not inside {source.Width}x{source.Height}");
        if (width == source.Width && height == source.Height && left == 0 && top == 0 && right == width && bottom == height)
            return source.Clone();

        var horizontal = ResampleWeights.Compute(source.Width, left, right, width, filter);
        var vertical = ResampleWeights.Compute(source.Height, top, bottom, height, filter);
        var firstRow = vertical.Start[0];
        var rowCount = vertical.Start[height - 1] + vertical.Count[height - 1] - firstRow;
        // Pixels are kept as 4 floats (R, G, B, unused) so one SIMD multiply-add handles a whole pixel.
        var rows = ArrayPool<float>.Shared.Rent(rowCount * width * 4);
        var line = ArrayPool<float>.Shared.Rent(source.Width * 4 + width * 4);
        try
        {
            ResampleRows(source, horizontal, firstRow, rowCount, width, rows, line);
            return ResampleColumns(rows, width, vertical, firstRow, height, line);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rows);
            ArrayPool<float>.Shared.Return(line);
        }
    }

    private static unsafe void ResampleRows(
        RgbImage source, ResampleWeights weights, int firstRow, int rowCount, int width, float[] rows, float[] line)
    {
        var k = weights.KernelSize;
        var sourceWidth = source.Width;
        var half = Vector128.Create(0.5f);
        var max = Vector128.Create(255f);
        fixed (byte* src = source.Pixels)
        fixed (float* dst = rows)
        fixed (float* expanded = line)
        fixed (float* kernel = weights.Values)
        fixed (int* start = weights.Start)
        fixed (int* count = weights.Count)
        {
            for (var y = 0; y < rowCount; y++)
            {
                var srcRow = src + (long)(firstRow + y) * sourceWidth * 3;
                for (var x = 0; x < sourceWidth; x++)
                {
                    expanded[x * 4] = srcRow[x * 3];
                    expanded[x * 4 + 1] = srcRow[x * 3 + 1];
                    expanded[x * 4 + 2] = srcRow[x * 3 + 2];
                    expanded[x * 4 + 3] = 0;
                }
                var dstRow = dst + (long)y * width * 4;
                for (var x = 0; x < width; x++)
                {
                    var w = kernel + x * k;
                    var p = expanded + start[x] * 4;
                    var acc = Vector128<float>.Zero;
                    for (int t = 0, n = count[x]; t < n; t++)
                        acc += Vector128.Load(p + t * 4) * Vector128.Create(w[t]);
                    // PIL stores this pass as 8-bit: round and clip (bicubic overshoot) before the vertical pass.
                    Vector128.Clamp(Vector128.Floor(acc + half), Vector128<float>.Zero, max).Store(dstRow + x * 4);
                }
            }
        }
    }

    private static unsafe RgbImage ResampleColumns(float[] rows, int width, ResampleWeights weights, int firstRow, int height, float[] line)
    {
        var rowLength = width * 4;
        var result = RgbImage.CreateUninitialized(width, height);
        var k = weights.KernelSize;
        fixed (float* src = rows)
        fixed (float* acc = line)
        fixed (byte* dst = result.Pixels)
        fixed (float* kernel = weights.Values)
        {
            for (var y = 0; y < height; y++)
            {
                new Span<float>(acc, rowLength).Clear();
                var w = kernel + y * k;
                for (int t = 0, n = weights.Count[y]; t < n; t++)
                {
                    var srcRow = src + (long)(weights.Start[y] - firstRow + t) * rowLength;
                    var wt = Vector128.Create(w[t]);
                    for (var i = 0; i < rowLength; i += 4)
                        (Vector128.Load(acc + i) + Vector128.Load(srcRow + i) * wt).Store(acc + i);
                }
                var dstRow = dst + (long)y * width * 3;
                for (var x = 0; x < width; x++)
                {
                    dstRow[x * 3] = Round(acc[x * 4]);
                    dstRow[x * 3 + 1] = Round(acc[x * 4 + 1]);
                    dstRow[x * 3 + 2] = Round(acc[x * 4 + 2]);
                }
            }
        }
        return result;
    }

    // Round half up and clip, as PIL's fixed-point code does.
    private static byte Round(float value) => value <= 0 ? (byte)0 : value >= 254.5f ? (byte)255 : (byte)(value + 0.5f);
}
