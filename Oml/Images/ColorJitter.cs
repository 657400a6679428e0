namespace Oml.Images;

/// <summary>
/// torchvision's <c>ColorJitter(brightness, contrast, saturation, hue)</c> on 8-bit images: the four adjustments run
/// in a random order, each with a factor drawn uniformly from <c>[max(0, 1 - x), 1 + x]</c> (hue: a shift of
/// <c>[-hue, hue]</c> turns of the colour wheel); 0 turns an adjustment off. Brightness, contrast and saturation blend
/// with black, the mean grey level and the per-pixel grey image, as PIL's ImageEnhance does.
/// </summary>
public sealed class ColorJitter(double brightness = 0.4, double contrast = 0.4, double saturation = 0.4, double hue = 0.1)
{
    public double Brightness { get; } = brightness < 0 || contrast < 0 || saturation < 0
        ? throw new ArgumentOutOfRangeException(nameof(brightness), "brightness, contrast and saturation must be >= 0")
        : brightness;

    public double Contrast { get; } = contrast;

    public double Saturation { get; } = saturation;

    public double Hue { get; } = hue is < 0 or > 0.5 ? throw new ArgumentOutOfRangeException(nameof(hue), "hue must be in [0, 0.5]") : hue;

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
                case 0 when Brightness > 0: BlendWithConstant(image, brightness, grey: 0); break;
                case 1 when Contrast > 0:
                    BlendWithConstant(image, contrast, grey: (int)(MeanGrey(image) + 0.5));
                    break;
                case 2 when Saturation > 0: BlendWithGrey(image, saturation); break;
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

    // out = degenerate + factor * (pixel - degenerate), truncated and clipped like PIL's Image.blend. With a constant
    // degenerate grey level (brightness: black, contrast: the mean grey) that is a 256-entry table.
    private static void BlendWithConstant(RgbImage image, double factor, int grey)
    {
        Span<byte> table = stackalloc byte[256];
        var f = (float)factor;
        for (var v = 0; v < 256; v++) table[v] = ClipTruncate(grey + f * (v - grey));
        var p = image.Pixels;
        for (var i = 0; i < p.Length; i++) p[i] = table[p[i]];
    }

    // Saturation: the degenerate image is each pixel's own grey value.
    private static void BlendWithGrey(RgbImage image, double factor)
    {
        var p = image.Pixels;
        var f = (float)factor;
        for (var i = 0; i < p.Length; i += 3)
        {
            float d = Grey(p[i], p[i + 1], p[i + 2]);
            p[i] = ClipTruncate(d + f * (p[i] - d));
            p[i + 1] = ClipTruncate(d + f * (p[i + 1] - d));
            p[i + 2] = ClipTruncate(d + f * (p[i + 2] - d));
        }
    }

    private static byte ClipTruncate(float v) => v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)v;

    // HSV hue rotation in 8-bit units: value = max and saturation * value = max - min are unchanged, so the new colour
    // is built from max, min and the position f inside the new hue sector.
    private static void ShiftHue(RgbImage image, double shift)
    {
        var p = image.Pixels;
        var shiftSixths = (float)(shift * 6);
        for (var i = 0; i < p.Length; i += 3)
        {
            int r = p[i], g = p[i + 1], b = p[i + 2];
            int max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b));
            var delta = max - min;
            if (delta == 0) continue; // grey pixels have no hue
            float hue; // in sixths of a turn, [0, 6)
            if (max == r) hue = (float)(g - b) / delta;
            else if (max == g) hue = (float)(b - r) / delta + 2f;
            else hue = (float)(r - g) / delta + 4f;
            hue += shiftSixths;
            hue -= 6f * MathF.Floor(hue / 6f);
            var sector = Math.Min((int)hue, 5);
            var f = hue - sector;
            var rising = (byte)(min + delta * f + 0.5f);
            var falling = (byte)(max - delta * f + 0.5f);
            (p[i], p[i + 1], p[i + 2]) = sector switch
            {
                0 => ((byte)max, rising, (byte)min),
                1 => (falling, (byte)max, (byte)min),
                2 => ((byte)min, (byte)max, rising),
                3 => ((byte)min, falling, (byte)max),
                4 => (rising, (byte)min, (byte)max),
                _ => ((byte)max, (byte)min, falling),
            };
        }
    }
}
