using Oml.Data.Sources;
using SkiaSharp;

namespace Oml.Tests.Data.Sources;

public sealed class MockShapeCatalogTests
{
    [Fact]
    public void HasAtLeast64ClassesWithUniqueNames()
    {
        Assert.True(MockShapeCatalog.Classes.Count >= 64);
        Assert.Equal(MockShapeCatalog.Classes.Count, MockShapeCatalog.Classes.Select(c => c.Name).Distinct().Count());
        Assert.Equal(["triangle", "circle", "cross", "square"], MockShapeCatalog.Classes.Take(4).Select(c => c.Name));
    }

    [Fact]
    public void EverySplitOfEveryAllowedClassCountHasTwoCategories()
    {
        for (var n = MockDatasetOptions.MinClasses; n <= MockShapeCatalog.Classes.Count; n++)
        {
            var classes = MockShapeCatalog.Classes.Take(n).ToArray();
            var train = classes.Take(n / 2).Select(c => c.Category).Distinct().Count();
            var validation = classes.Skip(n / 2).Select(c => c.Category).Distinct().Count();
            Assert.True(train >= 2 && validation >= 2, $"{n} classes: {train} train and {validation} validation categories");
        }
    }

    [Fact]
    public void EveryShapeFitsTheUnitRadiusAndMarksChangeThePixels()
    {
        var masks = new Dictionary<string, byte[]>();
        foreach (var shape in MockShapeCatalog.Classes)
        {
            using var path = MockShapeCatalog.BuildPath(shape);
            var bounds = path.Bounds;
            Assert.True(bounds.Left >= -1.15f && bounds.Right <= 1.15f && bounds.Top >= -1.15f && bounds.Bottom <= 1.15f,
                $"{shape.Name}: {bounds}");
            masks[shape.Name] = Rasterise(path);
        }
        // every marked class differs visibly (>= 1% of a 64x64 canvas) from its plain family
        foreach (var shape in MockShapeCatalog.Classes.Where(c => c.Mark != MockShapeMark.None))
        {
            var differing = masks[shape.Name].Zip(masks[shape.Family]).Count(p => (p.First > 127) != (p.Second > 127));
            Assert.True(differing > 0.01 * 64 * 64, $"{shape.Name} differs from {shape.Family} in {differing} pixels");
        }
    }

    private static byte[] Rasterise(SKPath unitPath)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(64, 64, SKColorType.Alpha8, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint { IsAntialias = false, Color = SKColors.White };
        canvas.Clear(SKColors.Transparent);
        canvas.Translate(32, 32);
        canvas.Scale(28);
        canvas.DrawPath(unitPath, paint);
        canvas.Flush();
        return bitmap.GetPixelSpan().ToArray();
    }
}
