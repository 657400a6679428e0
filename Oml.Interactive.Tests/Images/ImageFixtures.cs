using System.Text.Json;
using Oml.Images;

namespace Oml.Tests.Images;

/// <summary>The committed fixtures of Fixtures/images (made by make_fixtures.py) and PIL's values for them.</summary>
internal static class ImageFixtures
{
    private static readonly Lazy<JsonDocument> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path("expected.json"))));

    public static string Directory => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "images");

    public static string Path(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>PIL's <c>Image.open(name).convert("RGB")</c> of a fixture file.</summary>
    public static RgbImage PilDecoded(string name) => FromJson(Expected.Value.RootElement.GetProperty("files").GetProperty(name));

    /// <summary>PIL's resize of pattern.png, by the key written in make_fixtures.py.</summary>
    public static RgbImage PilResized(string key) =>
        FromJson(Expected.Value.RootElement.GetProperty("resized_pattern_png").GetProperty(key));

    public static double[] PilResizeBox(string key) =>
        Expected.Value.RootElement.GetProperty("resized_pattern_png").GetProperty(key).GetProperty("box")
            .EnumerateArray().Select(e => e.GetDouble()).ToArray();

    /// <summary>Largest per-channel difference between two images of the same size.</summary>
    public static int MaxDifference(RgbImage a, RgbImage b)
    {
        Assert.Equal(a.Size, b.Size);
        var max = 0;
        var pa = a.Pixels;
        var pb = b.Pixels;
        for (var i = 0; i < pa.Length; i++) max = Math.Max(max, Math.Abs(pa[i] - pb[i]));
        return max;
    }

    /// <summary>A photo-like image: gradients, a disc, stripes and deterministic noise.</summary>
    public static RgbImage Photo(int width, int height, int seed = 1)
    {
        var rng = new Random(seed);
        var image = new RgbImage(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var dx = x - width * 0.6;
                var dy = y - height * 0.4;
                var inDisc = dx * dx + dy * dy < Math.Pow(Math.Min(width, height) * 0.25, 2);
                var stripe = (x / Math.Max(1, width / 12) + y / Math.Max(1, height / 9)) % 2 == 0;
                var r = inDisc ? 230 : 255.0 * x / width;
                var g = stripe ? 180 : 255.0 * y / height;
                var b = inDisc ? 40 : 128 + 100 * Math.Sin(x * 0.05);
                var noise = rng.Next(-12, 13);
                image.SetPixel(x, y, Byte(r + noise), Byte(g + noise), Byte(b + noise));
            }
        return image;
    }

    public static RgbImage Solid(int width, int height, byte r, byte g, byte b)
    {
        var image = new RgbImage(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++) image.SetPixel(x, y, r, g, b);
        return image;
    }

    private static byte Byte(double v) => (byte)Math.Clamp(Math.Round(v), 0, 255);

    private static RgbImage FromJson(JsonElement e) =>
        new(e.GetProperty("width").GetInt32(), e.GetProperty("height").GetInt32(), Convert.FromHexString(e.GetProperty("rgb_hex").GetString()!));
}
