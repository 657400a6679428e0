using Oml.Images;

namespace Oml.Benchmarks;

/// <summary>Deterministic photo-like test images: smooth gradients, shapes with hard edges and sensor-like noise,
/// so JPEG files have a realistic size (about 28 KB at 500x375, quality 90; the PIL-made set of docs/native-runtime.md §6 averaged 37 KB).</summary>
internal static class SyntheticPhotos
{
    public static RgbImage Create(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var image = new RgbImage(width, height);
        var p = image.Pixels;
        double cx = rng.Next(width), cy = rng.Next(height), radius = rng.Next(height / 8, height / 3);
        int rx = rng.Next(width / 2), ry = rng.Next(height / 2), rw = rng.Next(40, width / 2), rh = rng.Next(40, height / 2);
        var tint = new[] { rng.Next(40, 220), rng.Next(40, 220), rng.Next(40, 220) };
        var phase = rng.NextDouble() * Math.PI * 2;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 3;
                var sky = 0.5 + 0.5 * Math.Sin(x * 0.013 + y * 0.007 + phase);
                double r = tint[0] * sky + 60.0 * y / height, g = tint[1] * (1 - sky) + 80.0 * x / width, b = tint[2];
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) < radius * radius) (r, g, b) = (240 - 0.2 * y, 90, 30 + 0.3 * x % 60);
                if (x >= rx && x < rx + rw && y >= ry && y < ry + rh) (r, g, b) = ((x / 8 + y / 8) % 2 == 0 ? 20 : 230, 200 - 0.2 * y, 120);
                var noise = rng.Next(-4, 5);
                p[i] = Clamp(r + noise);
                p[i + 1] = Clamp(g + noise);
                p[i + 2] = Clamp(b + noise);
            }
        return image;
    }

    private static byte Clamp(double v) => (byte)Math.Clamp(v, 0, 255);
}
