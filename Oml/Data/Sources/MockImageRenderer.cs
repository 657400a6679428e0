using SkiaSharp;

namespace Oml.Data.Sources;

/// <summary>
/// Draws one mock image from a seed: a random gradient background with faint clutter, then the class shape in a
/// random colour, scale, rotation and position. Only the shape's outline carries the class; everything else is
/// drawn at random per instance so that colour or background is no shortcut.
/// </summary>
internal static class MockImageRenderer
{
    public const int JpegQuality = 90;

    // The shape colour must differ this much (Euclidean RGB) from both gradient ends to stay visible.
    private const double MinContrast = 110;

    public static MockImage Render(MockShapeClass shape, int size, int seed)
    {
        var rng = new Random(seed);
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);

        var (from, to) = DrawBackground(canvas, rng, size);
        DrawClutter(canvas, rng, size);

        using var placed = PlaceShape(shape, rng, size);
        using (var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill, Color = PickShapeColor(rng, from, to) })
        {
            canvas.DrawPath(placed, paint);
        }
        canvas.Flush();

        var mask = RenderMask(placed, size);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, JpegQuality);
        return new MockImage(data.ToArray(), TightBox(mask, size), mask, size);
    }

    private static (SKColor From, SKColor To) DrawBackground(SKCanvas canvas, Random rng, int size)
    {
        var from = RandomColor(rng, 255);
        var to = RandomColor(rng, 255);
        var start = RandomPoint(rng, size);
        var end = RandomPoint(rng, size);
        using var shader = SKShader.CreateLinearGradient(start, end, [from, to], SKShaderTileMode.Clamp);
        using var paint = new SKPaint { Shader = shader };
        canvas.DrawRect(new SKRect(0, 0, size, size), paint);
        return (from, to);
    }

    private static void DrawClutter(SKCanvas canvas, Random rng, int size)
    {
        var items = rng.Next(3, 7);
        for (var i = 0; i < items; i++)
        {
            using var paint = new SKPaint { IsAntialias = true };
            if (rng.Next(2) == 0)
            {
                paint.Style = SKPaintStyle.Stroke;
                paint.StrokeWidth = size * (0.005f + 0.02f * rng.NextSingle());
                paint.Color = RandomColor(rng, (byte)rng.Next(40, 100));
                canvas.DrawLine(RandomPoint(rng, size), RandomPoint(rng, size), paint);
            }
            else
            {
                paint.Style = SKPaintStyle.Fill;
                paint.Color = RandomColor(rng, (byte)rng.Next(30, 80));
                var centre = RandomPoint(rng, size);
                canvas.DrawCircle(centre, size * (0.04f + 0.08f * rng.NextSingle()), paint);
            }
        }
    }

    /// <summary>The class path scaled, rotated and moved into the image, wholly inside it.</summary>
    private static SKPath PlaceShape(MockShapeClass shape, Random rng, int size)
    {
        var radius = size * (0.2f + 0.16f * rng.NextSingle());
        var margin = radius * 1.1f;
        var cx = margin + (size - 2 * margin) * rng.NextSingle();
        var cy = margin + (size - 2 * margin) * rng.NextSingle();
        var degrees = 360f * rng.NextSingle();
        var matrix = SKMatrix.CreateScale(radius, radius)
            .PostConcat(SKMatrix.CreateRotationDegrees(degrees))
            .PostConcat(SKMatrix.CreateTranslation(cx, cy));

        using var unit = MockShapeCatalog.BuildPath(shape);
        var placed = new SKPath();
        unit.Transform(matrix, placed);
        return placed;
    }

    private static SKColor PickShapeColor(Random rng, SKColor from, SKColor to)
    {
        var best = RandomColor(rng, 255);
        for (var attempt = 0; attempt < 32 && Contrast(best, from, to) < MinContrast; attempt++)
        {
            var candidate = RandomColor(rng, 255);
            if (Contrast(candidate, from, to) > Contrast(best, from, to)) best = candidate;
        }
        return best;
    }

    private static double Contrast(SKColor c, SKColor from, SKColor to) => Math.Min(Distance(c, from), Distance(c, to));

    private static double Distance(SKColor a, SKColor b)
    {
        double dr = a.Red - b.Red, dg = a.Green - b.Green, db = a.Blue - b.Blue;
        return Math.Sqrt(dr * dr + dg * dg + db * db);
    }

    private static byte[] RenderMask(SKPath placed, int size)
    {
        using var mask = new SKBitmap(new SKImageInfo(size, size, SKColorType.Alpha8, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(mask))
        using (var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill, Color = SKColors.White })
        {
            canvas.Clear(SKColors.Transparent);
            canvas.DrawPath(placed, paint);
            canvas.Flush();
        }
        var pixels = mask.GetPixelSpan();
        var rowBytes = mask.RowBytes;
        var result = new byte[size * size];
        for (var y = 0; y < size; y++)
        {
            pixels.Slice(y * rowBytes, size).CopyTo(result.AsSpan(y * size, size));
        }
        return result;
    }

    /// <summary>The smallest half-open box holding every covered mask pixel.</summary>
    internal static BoundingBox TightBox(byte[] mask, int size)
    {
        int x1 = size, x2 = 0, y1 = size, y2 = 0;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                if (mask[y * size + x] == 0) continue;
                x1 = Math.Min(x1, x);
                x2 = Math.Max(x2, x + 1);
                y1 = Math.Min(y1, y);
                y2 = Math.Max(y2, y + 1);
            }
        }
        if (x1 >= x2 || y1 >= y2) throw new InvalidOperationException("the mock shape was drawn outside the image");
        return new BoundingBox(x1, x2, y1, y2);
    }

    private static SKColor RandomColor(Random rng, byte alpha) =>
        new((byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256), alpha);

    private static SKPoint RandomPoint(Random rng, int size) => new(size * rng.NextSingle(), size * rng.NextSingle());
}
