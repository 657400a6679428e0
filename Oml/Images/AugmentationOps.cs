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
    public static unsafe void GaussianBlur(RgbImage image, double sigma)
    {
        var radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var kernel = new float[2 * radius + 1];
        var total = 0.0;
        for (var i = -radius; i <= radius; i++) total += kernel[i + radius] = (float)Math.Exp(-i * i / (2 * sigma * sigma));
        for (var i = 0; i < kernel.Length; i++) kernel[i] /= (float)total;
        int w = image.Width, h = image.Height;
        // One padded line of pixels (edge pixels repeated radius times on both sides), reused for rows and columns.
        var line = new float[(Math.Max(w, h) + 2 * radius) * 3];
        fixed (byte* p = image.Pixels)
        fixed (float* padded = line)
        fixed (float* k = kernel)
        {
            for (var y = 0; y < h; y++) BlurLine(p + (long)y * w * 3, 3, w, radius, padded, k);
            for (var x = 0; x < w; x++) BlurLine(p + x * 3, w * 3, h, radius, padded, k);
        }
    }

    private static unsafe void BlurLine(byte* first, int stride, int length, int radius, float* padded, float* kernel)
    {
        for (var i = -radius; i < length + radius; i++)
        {
            var source = first + (long)Math.Clamp(i, 0, length - 1) * stride;
            var target = padded + (i + radius) * 3;
            target[0] = source[0];
            target[1] = source[1];
            target[2] = source[2];
        }
        var taps = 2 * radius + 1;
        for (var i = 0; i < length; i++)
        {
            float r = 0, g = 0, b = 0;
            var window = padded + i * 3;
            for (var t = 0; t < taps; t++)
            {
                r += kernel[t] * window[t * 3];
                g += kernel[t] * window[t * 3 + 1];
                b += kernel[t] * window[t * 3 + 2];
            }
            var target = first + (long)i * stride;
            target[0] = Round(r);
            target[1] = Round(g);
            target[2] = Round(b);
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
                SampleBilinear(src, w, h, sx, sy, dst.Slice((y * w + x) * 3, 3));
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

    private static void SampleBilinear(Span<byte> src, int w, int h, double x, double y, Span<byte> pixel)
    {
        var x0 = (int)Math.Floor(x);
        var y0 = (int)Math.Floor(y);
        float fx = (float)(x - x0), fy = (float)(y - y0);
        if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h)
        {
            pixel.Fill(255);
            return;
        }
        for (var c = 0; c < 3; c++)
        {
            var top = (1 - fx) * At(src, w, h, x0, y0, c) + fx * At(src, w, h, x0 + 1, y0, c);
            var bottom = (1 - fx) * At(src, w, h, x0, y0 + 1, c) + fx * At(src, w, h, x0 + 1, y0 + 1, c);
            pixel[c] = Round((1 - fy) * top + fy * bottom);
        }
    }

    private static float At(Span<byte> src, int w, int h, int x, int y, int channel) =>
        x < 0 || y < 0 || x >= w || y >= h ? 255f : src[(y * w + x) * 3 + channel];

    private static byte Round(float v) => v <= 0 ? (byte)0 : v >= 254.5f ? (byte)255 : (byte)(v + 0.5f);
}
