namespace Oml.Images;

/// <summary>In-place and geometric pixel operations behind <see cref="AlbuStyleAugmentTransform"/>.</summary>
internal static class AugmentationOps
{
    public static void ToGrey(RgbImage image)
    {
        var p = image.Pixels;
        for (var i = 0; i < p.Length; i += 3)
            p[i] = p[i + 1] = p[i + 2] = ColorJitter.Grey(p[i], p[i + 1], p[i + 2]);
    }

    /// <summary>Separable Gaussian blur, radius <c>ceil(3 sigma)</c>, edges clamped.</summary>
    public static void GaussianBlur(RgbImage image, double sigma)
    {
        var radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var kernel = new float[2 * radius + 1];
        var total = 0.0;
        for (var i = -radius; i <= radius; i++) total += kernel[i + radius] = (float)Math.Exp(-i * i / (2 * sigma * sigma));
        for (var i = 0; i < kernel.Length; i++) kernel[i] /= (float)total;
        int w = image.Width, h = image.Height;
        var p = image.Pixels;
        var line = new float[Math.Max(w, h) * 3];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
                for (var c = 0; c < 3; c++)
                {
                    var sum = 0f;
                    for (var t = -radius; t <= radius; t++)
                        sum += kernel[t + radius] * p[(y * w + Math.Clamp(x + t, 0, w - 1)) * 3 + c];
                    line[x * 3 + c] = sum;
                }
            for (var i = 0; i < w * 3; i++) p[y * w * 3 + i] = Round(line[i]);
        }
        for (var x = 0; x < w; x++)
        {
            for (var y = 0; y < h; y++)
                for (var c = 0; c < 3; c++)
                {
                    var sum = 0f;
                    for (var t = -radius; t <= radius; t++)
                        sum += kernel[t + radius] * p[(Math.Clamp(y + t, 0, h - 1) * w + x) * 3 + c];
                    line[y * 3 + c] = sum;
                }
            for (var y = 0; y < h; y++)
                for (var c = 0; c < 3; c++) p[(y * w + x) * 3 + c] = Round(line[y * 3 + c]);
        }
    }

    /// <summary>Rotation (degrees), shear along x (degrees) and translation (fractions of the size) about the centre,
    /// bilinear sampling, white where the source is outside the image.</summary>
    public static RgbImage Affine(RgbImage image, double rotateDegrees, double shearDegrees, double translateX, double translateY)
    {
        int w = image.Width, h = image.Height;
        var angle = rotateDegrees * Math.PI / 180;
        var shear = Math.Tan(shearDegrees * Math.PI / 180);
        // forward: p' = R * S * (p - c) + c + t ; inverse maps each output pixel back to the source
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        double a = cos, b = cos * shear - sin, c = sin, d = sin * shear + cos;
        var det = a * d - b * c;
        double ia = d / det, ib = -b / det, ic = -c / det, id = a / det;
        double cx = w / 2.0, cy = h / 2.0, tx = translateX * w, ty = translateY * h;
        var result = new RgbImage(w, h);
        var src = image.Pixels;
        var dst = result.Pixels;
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                double ox = x + 0.5 - cx - tx, oy = y + 0.5 - cy - ty;
                var sx = ia * ox + ib * oy + cx - 0.5;
                var sy = ic * ox + id * oy + cy - 0.5;
                var o = (y * w + x) * 3;
                for (var ch = 0; ch < 3; ch++) dst[o + ch] = Round(Sample(src, w, h, sx, sy, ch));
            }
        return result;
    }

    /// <summary>Fills <paramref name="holes"/> rectangles of up to <paramref name="maxSide"/> pixels with white.</summary>
    public static void CoarseDropout(RgbImage image, int holes, int maxSide, Random rng)
    {
        for (var hole = 0; hole < holes; hole++)
        {
            var hw = Math.Min(image.Width, rng.Next(1, maxSide + 1));
            var hh = Math.Min(image.Height, rng.Next(1, maxSide + 1));
            var left = rng.Next(image.Width - hw + 1);
            var top = rng.Next(image.Height - hh + 1);
            for (var y = top; y < top + hh; y++) image.Pixels.Slice((y * image.Width + left) * 3, hw * 3).Fill(255);
        }
    }

    private static float Sample(Span<byte> src, int w, int h, double x, double y, int channel)
    {
        var x0 = (int)Math.Floor(x);
        var y0 = (int)Math.Floor(y);
        double fx = x - x0, fy = y - y0;
        var top = (1 - fx) * At(src, w, h, x0, y0, channel) + fx * At(src, w, h, x0 + 1, y0, channel);
        var bottom = (1 - fx) * At(src, w, h, x0, y0 + 1, channel) + fx * At(src, w, h, x0 + 1, y0 + 1, channel);
        return (float)((1 - fy) * top + fy * bottom);
    }

    private static float At(Span<byte> src, int w, int h, int x, int y, int channel) =>
        x < 0 || y < 0 || x >= w || y >= h ? 255f : src[(y * w + x) * 3 + channel];

    private static byte Round(float v) => v <= 0 ? (byte)0 : v >= 254.5f ? (byte)255 : (byte)(v + 0.5f);
}
