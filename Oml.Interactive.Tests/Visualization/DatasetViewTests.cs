using Oml.Visualization;
using static Oml.Tests.Visualization.ViewTestData;

namespace Oml.Tests.Visualization;

public sealed class DatasetViewTests : TempDirectoryTest
{
    private DatasetFrame Build()
    {
        var rows = new List<(DatasetSplit, long, string?)>();
        // train: 7 labels, label 0 with 9 images, the others 2; validation: 2 labels x 3 images
        for (var i = 0; i < 9; i++) rows.Add((DatasetSplit.Train, 0, "shoes"));
        for (var label = 1; label < 7; label++) for (var i = 0; i < 2; i++) rows.Add((DatasetSplit.Train, label, label < 4 ? "shoes" : "<bags>"));
        for (var label = 100; label < 102; label++) for (var i = 0; i < 3; i++) rows.Add((DatasetSplit.Validation, label, "shoes"));
        return Frame(Dir, rows);
    }

    [Fact]
    public void ShowsSummaryCountsAndALimitedThumbnailStrip()
    {
        var frame = Build();
        var html = DatasetView.Html(frame, labelsPerSplit: 5, imagesPerLabel: 6, thumbnailSize: 16);
        // train strip: labels 0..4 -> 6 + 2*4 = 14; validation: 2 labels x 3 = 6
        Assert.Equal(20, Count(html, ImagePrefix));
        Assert.Equal(5 + 2, Count(html, ">label "));
        foreach (var (name, value) in frame.Summarize().Lines()) Assert.Contains($">{System.Net.WebUtility.HtmlEncode(value)}</td>", html);
        Assert.Contains("train: top 7 of 7 labels by images", html);
        Assert.Contains("<td style=\"border:1px solid #ccc;padding:2px 6px;text-align:left\">0</td><td style=\"border:1px solid #ccc;padding:2px 6px;text-align:right;font-variant-numeric:tabular-nums\">9</td>", html);
        Assert.Contains("&lt;bags&gt;", html); // category escaped
        Assert.DoesNotContain("<bags>", html);
        Assert.Contains(">21</td>", html); // train rows
        AssertSelfContained(html);

        var fewer = DatasetView.Html(frame, labelsPerSplit: 1, imagesPerLabel: 2, thumbnailSize: 16);
        Assert.Equal(4, Count(fewer, ImagePrefix));
        Assert.Equal(0, Count(DatasetView.Html(frame, labelsPerSplit: 0), ImagePrefix));

        var text = DatasetView.Text(frame);
        Assert.Contains("train top labels (label: images): 0: 9, 1: 2", text);
        Assert.Contains("<bags>", text);
        Assert.DoesNotContain("data:image", text);
    }

    [Fact]
    public void UnreadableImagesBecomeMissingBoxes()
    {
        var frame = Build();
        File.Delete(Dir.File("images/0.png"));
        var html = DatasetView.Html(frame, labelsPerSplit: 1, imagesPerLabel: 2, thumbnailSize: 16);
        Assert.Equal(3, Count(html, ImagePrefix));
        Assert.Equal(1, Count(html, ">missing</div>"));
    }

    [Fact]
    public void StripTakesTheFirstLabelsInFileOrder()
    {
        var frame = Build();
        var strip = DatasetView.Strip(frame.Train, 3, 4);
        Assert.Equal([0L, 1, 2], strip.Select(s => s.Label));
        Assert.Equal([4, 2, 2], strip.Select(s => s.Rows.Count));
    }
}
