namespace Oml.Images;

/// <summary>
/// torchvision's <c>ColorJitter(brightness, contrast, saturation, hue)</c> on 8-bit images: the four adjustments run
/// in a random order, each with a factor drawn uniformly from <c>[max(0, 1 - x), 1 + x]</c> (hue: a shift of
/// <c>[-hue, hue]</c> turns of the colour wheel); 0 turns an adjustment off. Brightness, contrast and saturation blend
/// with black, the mean grey level and the per-pixel grey image, as PIL's ImageEnhance does.
/// </summary>
public sealed class ColorJitter
{
    public ColorJitter(double brightness = 0.4, double contrast = 0.4, double saturation = 0.4, double hue = 0.1)
    {
        if (brightness < 0 || contrast < 0 || saturation < 0)
            throw new ArgumentOutOfRangeException(nameof(brightness), "brightness, contrast and saturation must be >= 0");
        if (hue is < 0 or > 0.5) throw new ArgumentOutOfRangeException(nameof(hue), "hue must be in [0, 0.5]");
        Brightness = brightness;
        Contrast = contrast;
        Saturation = saturation;
        Hue = hue;
    }

    public double Brightness { get; }

    public double Contrast { get; }

    public double Saturation { get; }

    public double Hue { get; }

    /// <summary>Jitters <paramref name="image"/> in place.</summary>
    public void Apply(RgbImage image, Random rng)
    {
        Span<int> order = [0, 1, 2, 3];
        rng.Shuffle(order);
        var brightness = Factor(rng, Brightness);
        var contrast = Factor(rng, Contrast);
        var saturation = Factor(rng, Saturation);
        var hue = Hue > 0 ? Uniform(rng, -Hue, Hue) : 0;
        foreach (var op in order)
        {
            switch (op)
            {
                case 0 when Brightness > 0: Blend(image, brightness, constantGrey: 0); break;
                case 1 when Contrast > 0:
                    Blend(image, contrast, constantGrey: (int)(MeanGrey(image) + 0.5));
                    break;
                case 2 when Saturation > 0: Blend(image, saturation, constantGrey: null); break;
                case 3 when Hue > 0: ShiftHue(image, hue); break;
            }
        }
    }

    /// <summary>PIL's ITU-R 601-2 luma, <c>L = R * 299/1000 + G * 587/1000 + B * 114/1000</c>, in its fixed point.</summary>
    public static byte Grey(byte r, byte g, byte b) => (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);

    private static double Factor(Random rng, double amount) => amount > 0 ? Uniform(rng, Math.Max(0, 1 - amount), 1 + amount) : 1;

    private static double Uniform(Random rng, double low, double high) => low + (high - low) * rng.NextDouble();

    private static double MeanGrey(RgbImage image)
    {
        var p = image.Pixels;
        long sum = 0;
        for (var i = 0; i < p.Length; i += 3) sum += Grey(p[i], p[i + 1], p[i + 2]);
        return (double)sum / (image.Width * image.Height);
    }

    // out = degenerate + factor * (pixel - degenerate), truncated and clipped like PIL's Image.blend; the degenerate
    // image is a constant grey level, or each pixel's own grey value when constantGrey is null.
    private static void Blend(RgbImage image, double factor, int? constantGrey)
    {
        var p = image.Pixels;
        var f = (float)factor;
        for (var i = 0; i < p.Length; i += 3)
        {
            float d = constantGrey ?? Grey(p[i], p[i + 1], p[i + 2]);
            p[i] = ClipTruncate(d + f * (p[i] - d));
            p[i + 1] = ClipTruncate(d + f * (p[i + 1] - d));
            p[i + 2] = ClipTruncate(d + f * (p[i + 2] - d));
        }
    }

    private static byte ClipTruncate(float v) => v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)v;

    private static void ShiftHue(RgbImage image, double shift)
    {
        var p = image.Pixels;
        for (var i = 0; i < p.Length; i += 3)
        {
            float r = p[i] / 255f, g = p[i + 1] / 255f, b = p[i + 2] / 255f;
            var max = Math.Max(r, Math.Max(g, b));
            var min = Math.Min(r, Math.Min(g, b));
            var delta = max - min;
            if (delta <= 0) continue; // grey pixels have no hue
            float h;
            if (max == r) h = (g - b) / delta / 6f;
            else if (max == g) h = ((b - r) / delta + 2f) / 6f;
            else h = ((r - g) / delta + 4f) / 6f;
            h += (float)shift;
            h -= MathF.Floor(h);
            var s = delta / max;
            var (nr, ng, nb) = HsvToRgb(h, s, max);
            p[i] = (byte)(nr * 255f + 0.5f);
            p[i + 1] = (byte)(ng * 255f + 0.5f);
            p[i + 2] = (byte)(nb * 255f + 0.5f);
        }
    }

    private static (float R, float G, float B) HsvToRgb(float h, float s, float v)
    {
        var sector = h * 6f;
        var i = (int)sector % 6;
        var f = sector - MathF.Floor(sector);
        var p = v * (1 - s);
        var q = v * (1 - s * f);
        var t = v * (1 - s * (1 - f));
        return i switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }
}
