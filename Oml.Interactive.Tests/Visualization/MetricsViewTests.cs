using System.Text.RegularExpressions;
using Oml.Visualization;
using static Oml.Tests.Visualization.ViewTestData;

namespace Oml.Tests.Visualization;

public sealed class MetricsViewTests
{
    private static readonly Dictionary<string, double> Plain = new()
    {
        ["shoes/cmc/1"] = 0.5, ["OVERALL/precision/5"] = 0.25, ["OVERALL/cmc/5"] = 0.9, ["OVERALL/cmc/1"] = 0.625,
        ["<bags>/cmc/1"] = 0.75, ["shoes/precision/5"] = 0.2, ["OVERALL/fnmr@fmr/0.1"] = 0.3,
    };

    private static readonly Dictionary<string, double> Processed = new()
    {
        ["shoes/cmc/1"] = 0.75, ["OVERALL/precision/5"] = 0.25, ["OVERALL/cmc/5"] = 0.8, ["OVERALL/cmc/1"] = 0.875,
        ["<bags>/cmc/1"] = 0.75, ["shoes/precision/5"] = 0.3, ["OVERALL/fnmr@fmr/0.1"] = 0.2,
    };

    [Fact]
    public void GroupsByCategoryOverallFirstWithMetricColumnsInOmlOrder()
    {
        Assert.Equal(["OVERALL", "shoes", "<bags>"], MetricsView.Categories(Plain.Keys));
        Assert.Equal(["cmc/1", "cmc/5", "precision/5", "fnmr@fmr/0.1"], MetricsView.Columns(Plain.Keys));
        var html = MetricsView.Html(Plain, "metrics <epoch 3>");
        var header = Regex.Matches(html, "<th style=\"[^\"]*\">([^<]*)</th>").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(["category", "cmc/1", "cmc/5", "precision/5", "fnmr@fmr/0.1"], header[..5]);
        var rows = Regex.Matches(html, "<tr class=\"oml-metrics-row\">(.*?)</tr>").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(3, rows.Length);
        Assert.Contains(">OVERALL</th>", rows[0]);
        Assert.Equal(["0.6250", "0.9000", "0.2500", "0.3000"], Cells(rows[0]));
        Assert.Equal(["0.5000", "", "0.2000", ""], Cells(rows[1]));
        Assert.Contains(">&lt;bags&gt;</th>", rows[2]);
        Assert.Contains("metrics &lt;epoch 3&gt;", html);
        AssertSelfContained(html);
    }

    [Fact]
    public void ComparesTwoDictionariesWithTheDifference()
    {
        var html = MetricsView.Html(Plain, Processed);
        var rows = Regex.Matches(html, "<tr class=\"oml-metrics-(row|diff)\">(.*?)</tr>").Select(m => m.Groups[2].Value).ToArray();
        Assert.Equal(9, rows.Length); // 3 categories x (without, with, difference)
        Assert.Contains(">without postprocessor</td>", rows[0]);
        Assert.Contains(">with postprocessor</td>", rows[1]);
        Assert.Equal(["0.6250", "0.9000", "0.2500", "0.3000"], Cells(rows[0]).Skip(1));
        Assert.Equal(["0.8750", "0.8000", "0.2500", "0.2000"], Cells(rows[1]).Skip(1));
        Assert.Equal(["+0.2500", "-0.1000", "0.0000", "-0.1000"], Cells(rows[2]).Skip(1));
        // better is green, worse red; fnmr@fmr is better when lower
        Assert.Contains("color:#1a7f37\">+0.2500", rows[2]);
        Assert.Contains("color:#c62828\">-0.1000", rows[2]);
        Assert.Contains("color:#1a7f37\">-0.1000", rows[2]);

        var text = MetricsView.Text(Plain, Processed);
        Assert.Contains("difference", text);
        Assert.Contains("+0.2500", text);
        Assert.StartsWith("category", text);
    }

    [Fact]
    public void NamesWithoutCategoryGoToOther()
    {
        var html = MetricsView.Html(new Dictionary<string, double> { ["loss"] = 1.5, ["OVERALL/cmc/1"] = 1 });
        Assert.Equal(["OVERALL", "(other)"], MetricsView.Categories(["loss", "OVERALL/cmc/1"]));
        Assert.Contains(">1.5000</td>", html);
        Assert.Contains("no metrics", MetricsView.Html(new Dictionary<string, double>()));
    }

    private static string[] Cells(string row) =>
        Regex.Matches(row, "<td style=\"[^\"]*\">([^<]*)</td>").Select(m => m.Groups[1].Value).ToArray();
}
