using System.Text.RegularExpressions;
using Oml.Images;
using Oml.Metrics;
using Oml.Visualization;
using SkiaSharp;

namespace Oml.Tests.Visualization;

/// <summary>
/// Worst-query layout, PNG grid, thumbnails and HTML on <see cref="KnownRetrieval"/>. Every image is one flat colour
/// (40x20, so tiles are letterboxed); row 2's image is half its colour, half magenta, with a box on its half.
/// </summary>
public sealed class RetrievalVisualizationTests : TempDirectoryTest
{
    private readonly DatasetFrame _frame;
    private readonly EmbeddingMetricsResult _result;

    public RetrievalVisualizationTests()
    {
        var rows = new List<DatasetRow>();
        for (var i = 0; i < KnownRetrieval.Labels.Length; i++)
        {
            var path = $"images/{i}.png";
            WritePng(path, 40, 20, (x, _) => i == 2 && x >= 20 ? ((byte)255, (byte)0, (byte)255) : Colour(i));
            rows.Add(DatasetRow.Validation(KnownRetrieval.Labels[i], path) with
            {
                Sequence = KnownRetrieval.Sequence(i),
                Box = i == 2 ? new BoundingBox(0, 20, 0, 20) : null,
            });
        }
        _frame = DatasetFrame.FromRows(rows, Dir.Path);
        using var scope = NewDisposeScope();
        _result = EmbeddingMetrics.Compute(KnownRetrieval.EmbeddingTensor(), ValidationSet.Setup(_frame), new MetricArgs { CmcTopK = [1] });
    }

    private static (byte R, byte G, byte B) Colour(int row) => ((byte)(20 + 25 * row), 180, (byte)(200 - 20 * row));

    private string WritePng(string relative, int width, int height, Func<int, int, (byte R, byte G, byte B)> pixel)
    {
        using var image = new RgbImage(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = pixel(x, y);
                image.SetPixel(x, y, r, g, b);
            }
        var full = Dir.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, ImageEncoding.EncodePng(image));
        return full;
    }

    private static RgbImage Decode(byte[] png) => ImageDecoder.Default.Decode(png, "grid.png");

    private static void AssertPixel((byte R, byte G, byte B) expected, RgbImage image, int x, int y, int tolerance = 0)
    {
        var actual = image.GetPixel(x, y);
        Assert.True(Math.Abs(actual.R - expected.R) <= tolerance && Math.Abs(actual.G - expected.G) <= tolerance && Math.Abs(actual.B - expected.B) <= tolerance,
            $"pixel ({x}, {y}) is {actual}, expected {expected}");
    }

    [Fact]
    public void RetrievalIsTheOneTheDatasetWasBuiltFor()
    {
        Assert.Equal([5, 1, 2, 3, 4], _result.Retrieval.Retrieved[0]);
        Assert.Equal([0, 0, 1, 1, 0, 0, double.NaN, double.NaN], _result.PerQuery["OVERALL/cmc/1"]);
        Assert.Equal(2, _result.QueriesWithoutGroundTruth);
    }

    [Fact]
    public void WorstQueriesAreTheLowestScoringForEveryVisualisedMetric()
    {
        var figures = RetrievalRows.WorstQueriesPerMetric(_result, _frame, n: 3);
        Assert.Equal(_result.MetricsToVisualize, figures.Select(f => f.Metric));
        foreach (var figure in figures)
        {
            var values = _result.PerQuery[figure.Metric];
            var shown = figure.Rows.Select(r => r.QueryIndex).ToArray();
            Assert.Equal(3, shown.Length);
            var worstShown = shown.Max(q => values[q]);
            var others = Enumerable.Range(0, values.Length).Except(shown).Where(q => !double.IsNaN(values[q]));
            Assert.All(others, q => Assert.True(values[q] >= worstShown, $"{figure.Metric}: query {q} ({values[q]}) is worse than a shown one"));
            Assert.Equal(shown.Select(q => values[q]).Order(), shown.Select(q => values[q]));
            Assert.Equal($"top 3 worst by {figure.Metric.Replace('/', '_')}", figure.Title);
        }
        var cmc = RetrievalRows.WorstQueries(_result, _frame, "OVERALL/cmc/1");
        // cmc/1 = 0 for queries 0, 1, 4, 5: the one whose first correct result ranks lowest comes first (5: rank 5,
        // 4: rank 4); 0 and 1 both find theirs at rank 2, 0 further behind its top result (0.1 - 0.04 against
        // 0.1 - 0.06); then query 2, the first of the perfect ones
        Assert.Equal([5, 4, 0, 1, 2], cmc.Rows.Select(r => r.QueryIndex));
        Assert.Equal("top 5 worst by OVERALL_cmc_1", cmc.Title);
    }

    [Fact]
    public void TileKindsCaptionsAndPathsFollowTheRetrieval()
    {
        var row = Assert.Single(RetrievalRows.For(_result, _frame, [0]));
        Assert.Equal(ImageTileKind.Query, row.Query.Kind);
        Assert.Equal("Query #0", row.Query.Caption);
        Assert.Equal(_frame.ResolvePath(_frame.Validation[0]), row.Query.ImagePath);
        Assert.Equal(
            [ImageTileKind.Wrong, ImageTileKind.Correct, ImageTileKind.Wrong, ImageTileKind.Wrong, ImageTileKind.Wrong],
            row.Results.Select(t => t.Kind));
        Assert.Equal("Gallery #5 - 0.040", row.Results[0].Caption);
        Assert.Equal("Gallery #1 - 0.100", row.Results[1].Caption);
        Assert.Equal(_frame.ResolvePath(_frame.Validation[5]), row.Results[0].ImagePath);
        Assert.Equal(new BoundingBox(0, 20, 0, 20), row.Results[2].Box);
        var gt = Assert.Single(row.GroundTruth);
        Assert.Equal((ImageTileKind.GroundTruth, "GT", 0L), (gt.Kind, gt.Caption, gt.Label!.Value));
        Assert.Equal(_frame.ResolvePath(_frame.Validation[1]), gt.ImagePath);

        // a query without ground truth: results are Unknown, no GT tiles
        var lonely = Assert.Single(RetrievalRows.For(_result, _frame, [6], topN: 3, groundTruthShown: 2));
        Assert.Equal(3, lonely.Results.Count);
        Assert.All(lonely.Results, t => Assert.Equal(ImageTileKind.Unknown, t.Kind));
        Assert.Empty(lonely.GroundTruth);
    }

    [Fact]
    public void MetricsOfAnotherDatasetAreRefused()
    {
        var small = DatasetFrame.FromRows(
            [DatasetRow.Validation(0, "images/0.png"), DatasetRow.Validation(1, "images/1.png")], Dir.Path);
        var error = Assert.Throws<OmlException>(() => RetrievalRows.For(_result, small, [0]));
        Assert.Contains("validation row 7", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrievalRows.For(_result, _frame, [8]));
    }

    [Fact]
    public void PngGridHasTheLayoutSizeFramesAndLetterboxedImages()
    {
        var rows = RetrievalRows.For(_result, _frame, [0, 1]);
        const int tile = 64;
        var rendering = RetrievalGridImage.Render(rows, tile, "top 2 worst by OVERALL_cmc_1");
        Assert.DoesNotContain(rendering.Problems, p => !p.Contains("font"));
        var layout = new RetrievalGridImage.GridLayout(rows, tile, hasTitle: true);
        Assert.Equal(7, layout.Columns); // query + 5 results + 1 ground truth
        Assert.Equal(layout.Gap + 7 * (tile + layout.Gap), rendering.Width);
        Assert.Equal(layout.Gap + layout.TitleHeight + 2 * (tile + layout.CaptionHeight + layout.Gap), rendering.Height);
        Assert.Equal(rendering.Png, RetrievalGridImage.RenderPng(rows, tile, "top 2 worst by OVERALL_cmc_1"));

        using var png = Decode(rendering.Png);
        Assert.Equal((rendering.Width, rendering.Height), (png.Width, png.Height));
        Assert.Equal(3, layout.Frame); // max(3, 5% of 64)
        for (var r = 0; r < rows.Count; r++)
        {
            var tiles = rows[r].Tiles.ToArray();
            for (var c = 0; c < tiles.Length; c++)
            {
                var (x, y) = layout.TileOrigin(r, c);
                AssertPixel(TileColors.Rgb(tiles[c].Kind), png, x + 1, y + 1);
                AssertPixel(TileColors.Rgb(tiles[c].Kind), png, x + tile - 2, y + tile / 2);
                // the image's own flat colour in the middle, white letterbox above and below the 2:1 image...
                var validationRow = _frame.Validation.Select(_frame.ResolvePath).ToList().IndexOf(tiles[c].ImagePath);
                AssertPixel(Colour(validationRow), png, x + tile / 2, y + tile / 2, tolerance: 1);
                if (validationRow != 2) AssertPixel((255, 255, 255), png, x + tile / 2, y + layout.Frame + 2);
                // ...except row 2, whose box crops the square half of its own colour (no magenta)
                else AssertPixel(Colour(2), png, x + layout.Frame + 2, y + layout.Frame + 2, tolerance: 1);
            }
        }
        Assert.Equal([ImageTileKind.Query, ImageTileKind.Wrong, ImageTileKind.Correct], rows[0].Tiles.Take(3).Select(t => t.Kind));
    }

    [Fact]
    public void CaptionsAreDrawnWhenAFontIsFound()
    {
        var rows = RetrievalRows.For(_result, _frame, [0]);
        var rendering = RetrievalGridImage.Render(rows, 64, "title");
        if (!rendering.CaptionsDrawn)
        {
            Assert.Contains(rendering.Problems, p => p.Contains("no font"));
            return;
        }
        var layout = new RetrievalGridImage.GridLayout(rows, 64, hasTitle: true);
        using var png = Decode(rendering.Png);
        var (x, y) = layout.TileOrigin(0, 0);
        var dark = 0;
        for (var yy = y + 64; yy < y + 64 + layout.CaptionHeight; yy++)
            for (var xx = x; xx < x + 64; xx++)
                if (png.GetPixel(xx, yy).R < 128) dark++;
        Assert.True(dark > 10, $"only {dark} dark pixels under the query tile: no caption?");
    }

    [Fact]
    public void WithoutAnyFontTheGridStillRendersWithoutText()
    {
        var rows = RetrievalRows.For(_result, _frame, [0, 6]);
        foreach (var typeface in new[] { null, SKTypeface.Default, SKTypeface.CreateDefault() })
        {
            var rendering = RetrievalGridImage.Render(rows, 48, "no font", typeface);
            using var png = Decode(rendering.Png);
            Assert.Equal((rendering.Width, rendering.Height), (png.Width, png.Height));
            if (typeface is null)
            {
                Assert.False(rendering.CaptionsDrawn);
                Assert.Contains(rendering.Problems, p => p.Contains("no font"));
            }
        }
    }

    [Fact]
    public void UnreadableImagesBecomePlaceholdersAndAreReported()
    {
        var missing = new ImageTile(Dir.File("images/nope.png"), null, ImageTileKind.Wrong, "Gallery #9 - 1.000");
        var broken = new ImageTile(Dir.Write("images/broken.png", "not a png"), null, ImageTileKind.GroundTruth, "GT");
        var good = RetrievalRows.For(_result, _frame, [0])[0];
        RetrievalRow[] rows = [good with { Results = [missing, .. good.Results.Skip(1)], GroundTruth = [broken] }];

        var rendering = RetrievalGridImage.Render(rows, 64);
        Assert.Equal(2, rendering.Problems.Count(p => !p.Contains("font")));
        Assert.Contains(rendering.Problems, p => p.StartsWith("Gallery #9 - 1.000: ") && p.Contains("nope.png"));
        Assert.Contains(rendering.Problems, p => p.StartsWith("GT: ") && p.Contains("broken.png"));

        var layout = new RetrievalGridImage.GridLayout(rows, 64, hasTitle: false);
        using var png = Decode(rendering.Png);
        foreach (var column in new[] { 1, 6 })
        {
            var (x, y) = layout.TileOrigin(0, column);
            AssertPixel(TileColors.Rgb(rows[0].Tiles.ElementAt(column).Kind), png, x + 1, y + 1);
            AssertPixel((230, 230, 230), png, x + 32, y + layout.Frame + 2);
        }
        var (qx, qy) = layout.TileOrigin(0, 0);
        AssertPixel(Colour(0), png, qx + 32, qy + 32, tolerance: 1);
    }

    [Fact]
    public void ThumbnailsCropToTheBoxKeepTheAspectAndNeverEnlarge()
    {
        var row2 = _frame.Validation[2];
        using (var cropped = Thumbnail.Load(_frame.ResolvePath(row2), row2.Box, maxSide: 8))
        {
            Assert.Equal((8, 8), (cropped.Width, cropped.Height));
            AssertPixel(Colour(2), cropped, 7, 7, tolerance: 1);
        }
        using (var whole = Thumbnail.Load(_frame.ResolvePath(row2), null, maxSide: 8))
        {
            Assert.Equal((8, 4), (whole.Width, whole.Height));
            AssertPixel((255, 0, 255), whole, 7, 2, tolerance: 1);
        }
        using (var small = Thumbnail.Load(_frame.ResolvePath(row2), null, maxSide: 500))
        {
            Assert.Equal((40, 20), (small.Width, small.Height));
        }

        var uri = Thumbnail.DataUri(_frame, row2, maxSide: 16);
        Assert.StartsWith("data:image/png;base64,", uri);
        using var decoded = Decode(Convert.FromBase64String(uri["data:image/png;base64,".Length..]));
        Assert.Equal((16, 16), (decoded.Width, decoded.Height));
        Assert.Equal(Thumbnail.Png(_frame, row2, 16), Convert.FromBase64String(uri["data:image/png;base64,".Length..]));

        var error = Assert.Throws<OmlException>(() => Thumbnail.Png(Dir.File("images/nope.png")));
        Assert.Contains("nope.png", error.Message);
    }

    [Fact]
    public void HtmlInlinesEveryThumbnailWithColouredBordersAndEscapedText()
    {
        var rows = RetrievalRows.WorstQueries(_result, _frame, "OVERALL/cmc/1", n: 3).Rows.ToList();
        var first = rows[0];
        rows[0] = first with { Query = first.Query with { Caption = "Query <#0> & \"friends\"" } };
        var html = RetrievalGridHtml.Render(rows, thumbnailSize: 32, title: "<b>worst</b> & co");

        var tiles = rows.SelectMany(r => r.Tiles).ToArray();
        var images = Regex.Matches(html, "<img src=\"data:image/jpeg;base64,([A-Za-z0-9+/=]+)\"");
        Assert.Equal(tiles.Length, images.Count);
        using (var thumbnail = Decode(Convert.FromBase64String(images[0].Groups[1].Value)))
        {
            Assert.Equal((32, 16), (thumbnail.Width, thumbnail.Height));
        }
        foreach (var kind in Enum.GetValues<ImageTileKind>())
        {
            var expected = tiles.Count(t => t.Kind == kind);
            Assert.Equal(expected, Regex.Matches(html, Regex.Escape($"border:2px solid {TileColors.Css(kind)}")).Count);
        }
        Assert.Contains("border:2px solid rgb(0,0,255)", html);
        Assert.Contains("&lt;b&gt;worst&lt;/b&gt; &amp; co", html);
        Assert.Contains("Query &lt;#0&gt; &amp; &quot;friends&quot;", html);
        Assert.DoesNotContain("<b>", html);
        Assert.DoesNotContain("<#0>", html);
        Assert.DoesNotContain("http", html);
        Assert.Contains("Gallery #5 - 0.040", html);

        var missing = rows[1] with { Query = rows[1].Query with { ImagePath = Dir.File("images/nope.png") } };
        var withMissing = RetrievalGridHtml.Render([missing]);
        Assert.Equal(missing.Tiles.Count() - 1, Regex.Matches(withMissing, "<img src=\"data:image/jpeg;base64,").Count);
        Assert.Contains(">missing</div>", withMissing);
        Assert.Contains("nope.png", withMissing);
    }
}
