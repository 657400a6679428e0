using System.Text.RegularExpressions;
using Oml.Training;
using Oml.Visualization;
using static Oml.Tests.Visualization.ViewTestData;

namespace Oml.Tests.Visualization;

public sealed class HistoryViewTests
{
    private static readonly EpochRecord[] History =
    [
        new(0, 1.5, 10, 1e-3, null),
        new(1, 1.2, 20, 1e-3, new Dictionary<string, double> { ["OVERALL/cmc/1"] = 0.5, ["shoes/cmc/1"] = 0.4, ["OVERALL/precision/5"] = 0.3 }),
        new(2, 0.9, 30, 5e-4, null),
        new(3, 0.7, 40, 5e-4, new Dictionary<string, double> { ["OVERALL/cmc/1"] = 0.7, ["shoes/cmc/1"] = 0.6, ["OVERALL/precision/5"] = 0.45 }),
    ];

    [Fact]
    public void ChartsHaveOnePathPointPerEpochStepAndMetricValue()
    {
        var steps = Enumerable.Range(0, 1000).Select(s => ((long)s, 2.0 - s / 1000.0)).ToArray();
        var charts = HistoryView.Charts(History, steps);
        Assert.Equal(["loss per epoch", "loss per step", "cmc/1", "precision/5"], charts.Select(c => c.Title));
        Assert.Equal([4], PathPoints(charts[0].Svg()).Select(p => p.Count));
        Assert.Equal([HistoryView.MaxStepPoints], PathPoints(charts[1].Svg()).Select(p => p.Count));
        Assert.Equal([2, 2], PathPoints(charts[2].Svg()).Select(p => p.Count));
        Assert.Equal(["OVERALL", "shoes"], charts[2].Series.Select(s => s.Name));
        Assert.Equal([(2.0, 0.5), (4.0, 0.7)], charts[2].Series[0].Points); // epochs 1-based

        var html = HistoryView.Html(History, steps);
        Assert.Equal(4, Count(html, "<svg "));
        AssertInsideViewBoxes(html);
        AssertSelfContained(html);

        var text = HistoryView.Text(History, steps);
        Assert.Contains("OVERALL/cmc/1", text);
        Assert.Contains("0.7000", text);
        Assert.Contains("1000 steps, last step 999", text);
    }

    [Fact]
    public void LineChartMapsPointsMonotonicallyInsideThePlotArea()
    {
        var points = new (double X, double Y)[] { (0, 5), (1, -3), (2, 10), (3, double.NaN), (4, 7) };
        var chart = new SvgLineChart("a <chart>", 300, 150) { XLabel = "x", YLabel = "y" }.Add("one", points).Add("two & more", [(0, 0), (4, 1)], "#123456");
        var svg = chart.Svg();
        var paths = PathPoints(svg);
        Assert.Equal([4, 2], paths.Select(p => p.Count)); // the NaN point is skipped
        var (left, top, right, bottom) = chart.PlotArea;
        foreach (var (x, y) in paths.SelectMany(p => p))
        {
            Assert.InRange(x, left - 0.01, right + 0.01);
            Assert.InRange(y, top - 0.01, bottom + 0.01);
        }
        var one = paths[0];
        Assert.Equal(left, one[0].X, 0.01);
        Assert.Equal(right, one[^1].X, 0.01);
        Assert.True(one[2].Y < one[0].Y && one[0].Y < one[1].Y); // 10 above 5 above -3
        Assert.Contains("a &lt;chart&gt;", svg);
        Assert.Contains("two &amp; more", svg);
        Assert.Contains("stroke=\"#123456\"", svg);
        AssertInsideViewBoxes(svg);
        AssertSelfContained(svg);

        Assert.Contains("no data yet", new SvgLineChart("empty").Svg());
        var flat = new SvgLineChart("flat").Add("c", [(1, 2)]).Svg();
        Assert.Equal([1], PathPoints(flat).Select(p => p.Count));
        AssertInsideViewBoxes(flat);
    }

    [Fact]
    public void DownsampleAveragesBuckets()
    {
        var points = Enumerable.Range(0, 10).Select(i => ((double)i, (double)i * 2)).ToArray();
        Assert.Equal([(0.5, 1.0), (2.5, 5.0), (4.5, 9.0), (6.5, 13.0), (8.5, 17.0)], SvgLineChart.Downsample(points, 5));
        Assert.Equal(10, SvgLineChart.Downsample(points, 300).Count);
        Assert.Equal([0, 0.5, 1, 1.5, 2], SvgLineChart.Ticks(0, 2, 5, integer: false));
        Assert.Equal([0, 1, 2, 3], SvgLineChart.Ticks(0, 3, 5, integer: true));
    }
}
