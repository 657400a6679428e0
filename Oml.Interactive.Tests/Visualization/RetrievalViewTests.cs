using System.Text.RegularExpressions;
using Oml.Metrics;
using Oml.Visualization;
using static Oml.Tests.Visualization.ViewTestData;

namespace Oml.Tests.Visualization;

/// <summary>25 validation images, 5 labels x 5, 1-d embeddings: label + small offset, except query 3 which sits in label 1.</summary>
public sealed class RetrievalViewTests : TempDirectoryTest
{
    private readonly DatasetFrame _frame;
    private readonly EmbeddingMetricsResult _result;

    public RetrievalViewTests()
    {
        var rows = Enumerable.Range(0, 25).Select(i => (DatasetSplit.Validation, (long)(i / 5), (string?)null)).ToArray();
        _frame = Frame(Dir, rows);
        var embeddings = Enumerable.Range(0, 25).Select(i => i == 3 ? 10.02f : i / 5 * 10 + i % 5 * 0.01f).ToArray();
        using var scope = NewDisposeScope();
        _result = EmbeddingMetrics.Compute(tensor(embeddings, [25, 1]), ValidationSet.Setup(_frame), new MetricArgs { CmcTopK = [1] });
    }

    [Fact]
    public void PagesShowTheirRangeAndFramedThumbnails()
    {
        var html = RetrievalView.Html(_result, _frame, page: 0, topN: 3, groundTruthShown: 1, thumbnailSize: 16);
        Assert.Contains("queries 1-10 of 25 (page 1 of 3)", html);
        Assert.Equal(10 * (1 + 3 + 1), Count(html, ImagePrefix));
        Assert.Contains("Query #0", html);
        Assert.Contains("Query #9", html);
        Assert.DoesNotContain("Query #10<", html);
        // query 3 retrieves label 1 first: red frames; its ground truth is grey
        Assert.Equal(10 + 1, Count(html, $"border:2px solid {TileColors.Css(ImageTileKind.Query)}")); // + the legend
        Assert.Equal(10 + 1, Count(html, $"border:2px solid {TileColors.Css(ImageTileKind.GroundTruth)}"));
        var query3 = Regex.Match(html, "<tr[^>]*>(?:(?!</tr>).)*Query #3<(?:(?!</tr>).)*</tr>", RegexOptions.Singleline).Value;
        Assert.Equal(3, Count(query3, $"border:2px solid {TileColors.Css(ImageTileKind.Wrong)}"));
        Assert.True(Count(html, $"border:2px solid {TileColors.Css(ImageTileKind.Correct)}") >= 12);
        Assert.Matches("Gallery #\\d+ - \\d\\.\\d{3}", html);
        AssertSelfContained(html);

        var last = RetrievalView.Html(_result, _frame, page: 2, topN: 2, groundTruthShown: 0, thumbnailSize: 16);
        Assert.Contains("queries 21-25 of 25 (page 3 of 3)", last);
        Assert.Equal(5 * 3, Count(last, ImagePrefix));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrievalView.Html(_result, _frame, page: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrievalView.Html(_result, _frame, page: -1));
    }

    [Fact]
    public void WorstFirstOrderAndText()
    {
        var (queries, range) = RetrievalView.Page(_result, 0, 4, orderBy: "OVERALL/cmc/1");
        Assert.Equal(3, queries[0]);
        Assert.Equal("queries 1-4 of 25, worst first by OVERALL/cmc/1", range);
        var text = RetrievalView.Text(_result, _frame, pageSize: 5, topN: 2);
        Assert.StartsWith("queries 1-5 of 25\n", text);
        Assert.Contains("Query #3: Gallery #", text);
        Assert.Contains("(wrong)", text);
        Assert.Contains("(correct)", text);
        Assert.Equal(6, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
