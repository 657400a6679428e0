using Oml.Metrics;
using Oml.Postprocessing;
using Oml.Tests.Visualization;
using Oml.Views;
using Oml.Visualization;
using static Oml.Tests.Visualization.ViewTestData;

namespace Oml.Tests.Views;

/// <summary>
/// The retrieval views on <see cref="KnownRetrieval"/>, rows 0-3 of category "a", 4-7 "b".
/// Queries 0, 1, 4, 5 miss at the top: their first correct result is at rank 2, 2, 4, 5.
/// </summary>
public sealed class RetrievalReportTests : TempDirectoryTest
{
    private readonly DatasetFrame _frame;
    private readonly EmbeddingMetricsResult _plain;
    private readonly EmbeddingMetricsResult _thresholded;

    public RetrievalReportTests()
    {
        var frame = Frame(Dir, KnownRetrieval.Labels.Select((label, i) => (DatasetSplit.Validation, label, (string?)(i < 4 ? "a" : "b"))).ToArray());
        _frame = DatasetFrame.FromRows(frame.Rows.Select((r, i) => r with { Sequence = KnownRetrieval.Sequence(i) }).ToArray(), Dir.Path);
        using var scope = NewDisposeScope();
        var embeddings = KnownRetrieval.EmbeddingTensor();
        var args = new MetricArgs { CmcTopK = [1, 5] };
        _plain = EmbeddingMetrics.Compute(embeddings, ValidationSet.Setup(_frame), args, ValidationSet.Categories(_frame));
        // keeps only neighbours closer than 0.05: queries 2 and 3 lose their correct top result
        _thresholded = EmbeddingMetrics.Compute(embeddings, ValidationSet.Setup(_frame), args, ValidationSet.Categories(_frame), postprocessor: new ConstantThresholding(0.05f));
    }

    [Fact]
    public void Ties_on_a_metric_are_ordered_by_first_correct_rank_then_by_the_gap_to_the_top_result()
    {
        Assert.Equal([5, 4, 0, 1], _plain.WorstQueries("OVERALL/cmc/1", 4));
        Assert.Equal(5, _plain.Retrieval.FirstCorrectRank(5));
        Assert.Null(_plain.Retrieval.FirstCorrectRank(6));   // no ground truth at all
        Assert.Equal(0.06f, _plain.Retrieval.GapToFirstCorrect(0)!.Value, 5);   // 0.1 - 0.04
        Assert.Equal(0.04f, _plain.Retrieval.GapToFirstCorrect(1)!.Value, 5);   // 0.1 - 0.06
        Assert.Equal(0f, _plain.Retrieval.GapToFirstCorrect(2));
    }

    [Fact]
    public void Metrics_that_pick_the_same_queries_share_one_group()
    {
        // cmc/1, map/5 and cmc/5 all pick queries 5 then 4 (cmc/5 by the tie rule); category a's are 0 then 1
        var groups = WorstQueryGroup.Of(_plain, ["OVERALL/cmc/1", "a/cmc/1", "OVERALL/map/5", "OVERALL/cmc/5"], 2);
        Assert.Equal(2, groups.Count);
        Assert.Equal(["OVERALL/cmc/1", "OVERALL/map/5", "OVERALL/cmc/5"], groups[0].Metrics);
        Assert.Equal([5, 4], groups[0].Queries);
        Assert.Equal(["a/cmc/1"], groups[1].Metrics);
        Assert.Equal([0, 1], groups[1].Queries);
    }

    [Fact]
    public void Worst_query_and_category_views_show_the_right_queries_and_say_what_they_left_out()
    {
        var report = new RetrievalReport(_plain, _frame);

        Assert.Equal([5, 4], report.Worst("cmc/1", 2, category: "b").Queries);
        Assert.Equal([0, 1], report.Worst("OVERALL/cmc/1", 2, category: "a").Queries);
        var error = Assert.Throws<OmlException>(() => report.Worst("cmc/1", 2, category: "c"));
        Assert.Contains("categories: a, b", error.Message);

        var close = report.Query(0, topN: 8);
        Assert.Equal(5, close.Rows.Single().Results.Count);
        Assert.Contains("8 results asked, the retrieval kept 5 per query", close.Note);
        Assert.Contains("first correct at 2", close.Note);

        var perCategory = report.WorstPerCategory("cmc/1", 1);
        Assert.Equal([[0], [5]], perCategory.Views.Cast<RetrievalGridView>().Select(v => v.Queries.ToArray()));
        var html = perCategory.ToHtml();
        AssertSelfContained(html);
        Assert.Equal(2 * (1 + 5 + 1), Count(html, ImagePrefix));   // per grid: query, 5 results, 1 ground truth shown
    }

    [Fact]
    public void The_per_query_table_lists_the_worst_first_with_ranks_and_gaps()
    {
        var table = new RetrievalReport(_plain, _frame).PerQuery("OVERALL/cmc/1", maxRows: 3);
        var cells = table.Cells();
        Assert.Equal(["5", "4", "0"], cells.Select(c => c[0]));
        var header = table.Header.ToList();
        Assert.Equal("b", cells[0][header.IndexOf("category")]);
        Assert.Equal("5", cells[0][header.IndexOf("first correct")]);
        Assert.Equal("1.920", cells[0][header.IndexOf("gap to correct")]);   // 1.96 - 0.04
        Assert.Equal("0", cells[0][header.IndexOf("OVERALL/cmc/1")]);
        Assert.Contains("3 of 8 queries shown", table.ToHtml());
    }

    [Fact]
    public void From_embeddings_computes_the_retrieval_of_the_validation_split_and_checks_the_shape()
    {
        using var scope = NewDisposeScope();
        var report = RetrievalReport.FromEmbeddings(KnownRetrieval.EmbeddingTensor(), _frame);
        // mAP@5 of the 6 scored queries: 1/2, 1/2, 1, 1, 1/4, 1/5 (first correct at rank 2, 2, 1, 1, 4, 5)
        Assert.Equal(3.45 / 6, report.Result.Metrics["OVERALL/map/5"], 9);
        var error = Assert.Throws<OmlException>(() => RetrievalReport.FromEmbeddings(zeros(5, 1), _frame));
        Assert.Contains("8 validation rows", error.Message);
    }

    [Fact]
    public void Before_and_after_marks_broken_queries_and_rank_changes()
    {
        var view = new BeforeAfterView(_plain, _thresholded, _frame, "constant_thresholding", n: 3);

        Assert.Equal([2, 3], view.Broken);
        Assert.Empty(view.Fixed);
        Assert.Equal([2, 3, 0], view.Queries.Take(3));   // broken first, then the largest move of the first correct result
        var rows = view.Rows();
        Assert.Equal(6, rows.Count);
        Assert.Equal("Query #2: plain", rows[0].Query.Caption);
        Assert.Equal("constant_thresholding (broken)", rows[1].Query.Caption);
        Assert.Empty(rows[1].Results);
        Assert.Equal("Gallery #5 - 0.040 =", rows[5].Results.Single().Caption);   // query 0 keeps its top result only
        Assert.Contains("top result fixed for 0, broken for 2", view.Summary);
        var html = view.ToHtml();
        Assert.Contains("no results", html);
        AssertSelfContained(html);

        var same = new BeforeAfterView(_plain, _plain, _frame, "identity");
        Assert.Empty(same.Queries);
        Assert.DoesNotContain("<img", same.ToHtml());
        Assert.Contains("changed 0 of 8", same.ToHtml());
    }
}
