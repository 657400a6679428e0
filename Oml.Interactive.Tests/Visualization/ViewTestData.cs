using System.Text.RegularExpressions;
using Oml.Images;

namespace Oml.Tests.Visualization;

/// <summary>Small generated datasets (flat-colour PNGs) and checks every notebook view's HTML must pass.</summary>
internal static class ViewTestData
{
    public const string ImagePrefix = "<img src=\"data:image/jpeg;base64,";

    public static string WritePng(TempDirectory dir, string relative, int width, int height, (byte R, byte G, byte B) colour)
    {
        using var image = new RgbImage(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                image.SetPixel(x, y, colour.R, colour.G, colour.B);
        var full = dir.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, ImageEncoding.EncodePng(image));
        return full;
    }

    public static (byte R, byte G, byte B) Colour(int i) => ((byte)(20 + 23 * i % 230), (byte)(180 - 7 * i % 150), (byte)(40 + 11 * i % 200));

    /// <summary>A frame whose rows are given as (split, label, category); image i is images/i.png, 24x16.</summary>
    public static DatasetFrame Frame(TempDirectory dir, IReadOnlyList<(DatasetSplit Split, long Label, string? Category)> rows)
    {
        var list = new List<DatasetRow>();
        for (var i = 0; i < rows.Count; i++)
        {
            var path = $"images/{i}.png";
            WritePng(dir, path, 24, 16, Colour(i));
            var (split, label, category) = rows[i];
            var row = split == DatasetSplit.Train ? DatasetRow.Train(label, path) : DatasetRow.Validation(label, path);
            list.Add(row with { Category = category });
        }
        return DatasetFrame.FromRows(list, dir.Path);
    }

    public static int Count(string text, string pattern) => Regex.Matches(text, Regex.Escape(pattern)).Count;

    /// <summary>Offline and safe: no script, no URL, no event handler attributes.</summary>
    public static void AssertSelfContained(string html)
    {
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" onload=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Every SVG's numeric x/y/cx/cy attributes and path points lie inside its viewBox.</summary>
    public static void AssertInsideViewBoxes(string html)
    {
        foreach (Match svg in Regex.Matches(html, "<svg[^>]*viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\"[^>]*>(.*?)</svg>", RegexOptions.Singleline))
        {
            var width = double.Parse(svg.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var height = double.Parse(svg.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            var body = svg.Groups[3].Value;
            foreach (Match a in Regex.Matches(body, " (x|x1|x2|cx|y|y1|y2|cy)=\"(-?[0-9.]+)\""))
            {
                var v = double.Parse(a.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                var limit = a.Groups[1].Value.Contains('x') ? width : height;
                Assert.InRange(v, 0, limit);
            }
            foreach (var (x, y) in PathPoints(body).SelectMany(p => p))
            {
                Assert.InRange(x, 0, width);
                Assert.InRange(y, 0, height);
            }
        }
    }

    /// <summary>The points of every series path (<c>class="oml-series"</c>) in order.</summary>
    public static IReadOnlyList<IReadOnlyList<(double X, double Y)>> PathPoints(string svg) =>
        Regex.Matches(svg, "<path class=\"oml-series\"[^>]* d=\"([^\"]*)\"")
            .Select(m => (IReadOnlyList<(double, double)>)Regex.Matches(m.Groups[1].Value, "[ML](-?[0-9.]+),(-?[0-9.]+)")
                .Select(p => (double.Parse(p.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                              double.Parse(p.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)))
                .ToArray())
            .ToArray();
}
