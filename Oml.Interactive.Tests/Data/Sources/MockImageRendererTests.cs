using Oml.Data.Sources;
using SkiaSharp;

namespace Oml.Tests.Data.Sources;

public sealed class MockImageRendererTests
{
    [Fact]
    public void TheBoxIsTheTightBoxOfTheShapePixels()
    {
        foreach (var shape in MockShapeCatalog.Classes.Take(20))
        {
            for (var seed = 0; seed < 5; seed++)
            {
                var image = MockImageRenderer.Render(shape, 64, seed);
                var box = image.Box;
                Assert.True(box.FitsIn(64, 64), $"{shape.Name}/{seed}: {box}");
                var covered = Enumerable.Range(0, 64 * 64).Where(i => image.Mask[i] > 0).Select(i => (X: i % 64, Y: i / 64)).ToArray();
                Assert.All(covered, p => Assert.True(p.X >= box.X1 && p.X < box.X2 && p.Y >= box.Y1 && p.Y < box.Y2));
                Assert.Equal((box.X1, box.X2 - 1), (covered.Min(p => p.X), covered.Max(p => p.X)));
                Assert.Equal((box.Y1, box.Y2 - 1), (covered.Min(p => p.Y), covered.Max(p => p.Y)));
                // the shape fills a fair part of its own box (not a stray pixel far away)
                Assert.True(covered.Length > 0.2 * box.Width * box.Height, $"{shape.Name}/{seed}: {covered.Length} px in {box}");
            }
        }
    }

    [Fact]
    public void TheShapeColourDiffersFromTheBackgroundInsideTheMask()
    {
        var image = MockImageRenderer.Render(MockShapeCatalog.Classes[3], 64, seed: 1);
        using var bitmap = SKBitmap.Decode(image.Jpeg);
        var inside = new List<SKColor>();
        var outside = new List<SKColor>();
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                var m = image.Mask[y * 64 + x];
                if (m == 255) inside.Add(bitmap.GetPixel(x, y));
                else if (m == 0) outside.Add(bitmap.GetPixel(x, y));
            }
        }
        var insideMean = Mean(inside);
        var outsideMean = Mean(outside);
        var distance = Math.Sqrt(Enumerable.Range(0, 3).Sum(c => Math.Pow(insideMean[c] - outsideMean[c], 2)));
        Assert.True(distance > 40, $"shape and background means differ by {distance:F1}");
    }

    private static double[] Mean(List<SKColor> colours) =>
        [colours.Average(c => c.Red), colours.Average(c => c.Green), colours.Average(c => c.Blue)];
}
