using SkiaSharp;

namespace Oml.Data.Sources;

/// <summary>
/// The shapes of the mock dataset, as paths in unit coordinates (centred on the origin, within about radius 1,
/// y down). Families are ordered so that categories alternate: any run of two or more consecutive classes
/// spans at least two categories, which keeps both splits mixed. Marks multiply the families.
/// </summary>
internal static class MockShapeCatalog
{
    public const string Polygon = "polygon";
    public const string Round = "round";
    public const string Symbol = "symbol";

    private static readonly (string Family, string Category)[] Families =
    [
        ("triangle", Polygon), ("circle", Round), ("cross", Symbol),
        ("square", Polygon), ("ring", Round), ("star", Symbol),
        ("pentagon", Polygon), ("crescent", Round), ("arrow", Symbol),
        ("hexagon", Polygon), ("ellipse", Round), ("heart", Symbol),
        ("rectangle", Polygon), ("semicircle", Round), ("lshape", Symbol),
        ("tshape", Symbol),
    ];

    public static IReadOnlyList<MockShapeClass> Classes { get; } = BuildClasses();

    public static string MarkName(MockShapeMark mark) => mark switch
    {
        MockShapeMark.None => "",
        MockShapeMark.Hole => "hole",
        MockShapeMark.Slot => "slot",
        MockShapeMark.CrossSlot => "crossslot",
        MockShapeMark.Outline => "outline",
        _ => throw new ArgumentOutOfRangeException(nameof(mark)),
    };

    // Every family holds a disc of radius 0.25 around the origin (except ring and crescent, which get no hole),
    // so the hole mark never cuts a shape apart.

    /// <summary>The filled outline of <paramref name="shape"/> in unit coordinates; the caller disposes it.</summary>
    public static SKPath BuildPath(MockShapeClass shape)
    {
        using var body = BuildFamily(shape.Family);
        return ApplyMark(body, shape.Mark);
    }

    private static IReadOnlyList<MockShapeClass> BuildClasses()
    {
        var classes = new List<MockShapeClass>();
        foreach (var mark in Enum.GetValues<MockShapeMark>())
        {
            foreach (var (family, category) in Families)
            {
                // A centred hole would fall into the ring's own hole or outside the crescent, and the ring is
                // already as thin as an outline: no visible difference.
                if (mark == MockShapeMark.Hole && family is "ring" or "crescent") continue;
                if (mark == MockShapeMark.Outline && family == "ring") continue;
                classes.Add(new MockShapeClass(family, mark, category));
            }
        }
        return classes;
    }

    private static SKPath ApplyMark(SKPath body, MockShapeMark mark)
    {
        switch (mark)
        {
            case MockShapeMark.None:
                return new SKPath(body);
            case MockShapeMark.Outline:
            {
                // the inner half of a wide stroke: a band along the edge that stays within the shape's own bounds
                using var stroke = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 0.4f, StrokeJoin = SKStrokeJoin.Miter };
                using var band = stroke.GetFillPath(body);
                return body.Op(band, SKPathOp.Intersect);
            }
            default:
            {
                using var cut = Build(b =>
                {
                    if (mark == MockShapeMark.Hole) b.AddCircle(0, 0, 0.25f);
                    if (mark is MockShapeMark.Slot or MockShapeMark.CrossSlot) b.AddRect(new SKRect(-1.3f, -0.08f, 1.3f, 0.08f));
                    if (mark == MockShapeMark.CrossSlot) b.AddRect(new SKRect(-0.08f, -1.3f, 0.08f, 1.3f));
                });
                using var cutUnion = cut.Simplify();
                return body.Op(cutUnion, SKPathOp.Difference);
            }
        }
    }

    private static SKPath BuildFamily(string family) => family switch
    {
        "triangle" => Build(b => b.AddPoly(Regular(3, 1f))),
        "square" => Build(b => b.AddRect(new SKRect(-0.75f, -0.75f, 0.75f, 0.75f))),
        "pentagon" => Build(b => b.AddPoly(Regular(5, 0.95f))),
        "hexagon" => Build(b => b.AddPoly(Regular(6, 0.92f))),
        "rectangle" => Build(b => b.AddRect(new SKRect(-0.95f, -0.45f, 0.95f, 0.45f))),
        "circle" => Build(b => b.AddCircle(0, 0, 0.85f)),
        "ellipse" => Build(b => b.AddOval(new SKRect(-1f, -0.5f, 1f, 0.5f))),
        "ring" => Build(b =>
        {
            b.FillType = SKPathFillType.EvenOdd;
            b.AddCircle(0, 0, 0.95f);
            b.AddCircle(0, 0, 0.55f);
        }),
        "crescent" => Crescent(),
        "semicircle" => Build(b =>
        {
            b.MoveTo(-1f, 0.35f);
            b.ArcTo(new SKRect(-1f, -0.65f, 1f, 1.35f), 180, 180, false);
            b.Close();
        }),
        "star" => Build(b => b.AddPoly(Star(5, 1f, 0.42f))),
        "cross" => Build(b => b.AddPoly(Points(-0.9f, -0.3f, -0.3f, -0.3f, -0.3f, -0.9f, 0.3f, -0.9f, 0.3f, -0.3f, 0.9f, -0.3f,
            0.9f, 0.3f, 0.3f, 0.3f, 0.3f, 0.9f, -0.3f, 0.9f, -0.3f, 0.3f, -0.9f, 0.3f))),
        "arrow" => Build(b => b.AddPoly(Points(-0.95f, -0.28f, -0.1f, -0.28f, -0.1f, -0.8f, 0.95f, 0f, -0.1f, 0.8f, -0.1f, 0.28f,
            -0.95f, 0.28f))),
        "heart" => Build(b =>
        {
            b.MoveTo(0f, 0.95f);
            b.CubicTo(-0.55f, 0.5f, -1.15f, 0.05f, -0.95f, -0.4f);
            b.CubicTo(-0.75f, -0.95f, -0.1f, -0.9f, 0f, -0.45f);
            b.CubicTo(0.1f, -0.9f, 0.75f, -0.95f, 0.95f, -0.4f);
            b.CubicTo(1.15f, 0.05f, 0.55f, 0.5f, 0f, 0.95f);
            b.Close();
        }),
        "lshape" => Build(b => b.AddPoly(Points(-0.35f, -0.95f, 0.35f, -0.95f, 0.35f, -0.35f, 0.95f, -0.35f, 0.95f, 0.35f,
            -0.35f, 0.35f))),
        "tshape" => Build(b => b.AddPoly(Points(-0.95f, -0.4f, 0.95f, -0.4f, 0.95f, 0.3f, 0.3f, 0.3f, 0.3f, 0.95f,
            -0.3f, 0.95f, -0.3f, 0.3f, -0.95f, 0.3f))),
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "unknown shape family"),
    };

    private static SKPath Crescent()
    {
        using var disc = Build(b => b.AddCircle(0, 0, 0.95f));
        using var bite = Build(b => b.AddCircle(0.42f, -0.12f, 0.78f));
        return disc.Op(bite, SKPathOp.Difference);
    }

    private static SKPath Build(Action<SKPathBuilder> draw)
    {
        using var builder = new SKPathBuilder();
        draw(builder);
        return builder.Detach();
    }

    private static SKPoint[] Regular(int corners, float radius) =>
        Enumerable.Range(0, corners).Select(i => Polar(radius, 2 * Math.PI * i / corners)).ToArray();

    private static SKPoint[] Star(int spikes, float outer, float inner) =>
        Enumerable.Range(0, 2 * spikes).Select(i => Polar(i % 2 == 0 ? outer : inner, Math.PI * i / spikes)).ToArray();

    /// <summary>A point at <paramref name="angle"/> radians clockwise from straight up.</summary>
    private static SKPoint Polar(float radius, double angle) =>
        new((float)(radius * Math.Sin(angle)), (float)(-radius * Math.Cos(angle)));

    private static SKPoint[] Points(params float[] xy) =>
        Enumerable.Range(0, xy.Length / 2).Select(i => new SKPoint(xy[2 * i], xy[2 * i + 1])).ToArray();
}
