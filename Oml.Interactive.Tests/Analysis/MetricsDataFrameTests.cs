using Microsoft.Data.Analysis;
using Oml.Analysis;
using Oml.Metrics;

namespace Oml.Tests.Analysis;

/// <summary>Golden values worked out by hand in <see cref="AnalysisTestData"/>.</summary>
public sealed class MetricsDataFrameTests : TempDirectoryTest
{
    private readonly DatasetFrame _frame;
    private readonly EmbeddingMetricsResult _result;

    public MetricsDataFrameTests()
    {
        _frame = AnalysisTestData.Frame(Dir);
        _result = AnalysisTestData.Result(_frame);
    }

    [Fact]
    public void The_hand_made_result_is_what_the_golden_values_assume()
    {
        Assert.Equal(0.4, _result.Metrics["OVERALL/cmc/1"], 12);
        Assert.Equal(2.0 / 3, _result.Metrics["shoes/cmc/1"], 12);
        Assert.Equal(0, _result.Metrics["bags/cmc/1"], 12);
        Assert.Equal(0.8, _result.Metrics["OVERALL/cmc/3"], 12);
        Assert.Equal(0.6, _result.Metrics["OVERALL/map/3"], 12);
        Assert.Equal(0.5, _result.Metrics["bags/map/3"], 12);
        Assert.Equal(1, _result.QueriesWithoutGroundTruth);
    }

    [Fact]
    public void Per_query_rows_in_query_order_with_typed_columns()
    {
        var df = _result.ToDataFrame();

        Assert.Equal(["query", "validation_row", "category", "OVERALL/cmc/1", "OVERALL/cmc/3", "OVERALL/map/3", "first_correct_rank", "top_distance", "gap_to_first_correct", "ground_truth_count"], df.Columns.Select(c => c.Name));
        Assert.Equal([typeof(int), typeof(int), typeof(string), typeof(double), typeof(double), typeof(double), typeof(int), typeof(double), typeof(double), typeof(int)], df.Columns.Select(c => c.DataType));
        Assert.Equal<int?>([0, 1, 2, 3, 4, 5], df.Columns.GetInt32Column("query"));
        Assert.Equal<int?>([0, 1, 2, 3, 4, 5], df.Columns.GetInt32Column("validation_row"));
        Assert.Equal(["shoes", "shoes", "shoes", "bags", "bags", "bags"], df.Columns.GetStringColumn("category"));
        // q5 has no ground truth: not scored, null (not NaN)
        Assert.Equal<double?>([1, 1, 0, 0, 0, null], df.Columns.GetDoubleColumn("OVERALL/cmc/1"));
        Assert.Equal<double?>([1, 1, 0, 1, 1, null], df.Columns.GetDoubleColumn("OVERALL/cmc/3"));
        Assert.Equal<double?>([1, 1, 0, 0.5, 0.5, null], df.Columns.GetDoubleColumn("OVERALL/map/3"));
        Assert.Equal(1, df.Columns.GetDoubleColumn("OVERALL/cmc/1").NullCount);
        // q2's only match is 6th, outside the top 3 that were retrieved
        Assert.Equal<int?>([1, 1, null, 2, 2, null], df.Columns.GetInt32Column("first_correct_rank"));
        Assert.Equal([0.8, 0.8, 1.2, 1.0, 0.5, 0.5], df.Columns.GetDoubleColumn("top_distance").Select(d => Math.Round(d!.Value, 5)));
        // q3: correct g4 at 1.5 behind the top g5 at 1.0; q4: g3 at 1.5 behind g5 at 0.5
        Assert.Equal([0, 0, null, 0.5, 1.0, null], df.Columns.GetDoubleColumn("gap_to_first_correct").Select(d => d is null ? (double?)null : Math.Round(d.Value, 5)));
        Assert.Equal<int?>([1, 1, 1, 1, 1, 0], df.Columns.GetInt32Column("ground_truth_count"));
    }

    [Fact]
    public void With_the_frame_each_query_gets_its_label_path_and_csv_row()
    {
        var df = _result.ToDataFrame(_frame);

        Assert.Equal(["query", "validation_row", "category", "label", "path", "csv_row", "OVERALL/cmc/1"], df.Columns.Select(c => c.Name).Take(7));
        Assert.Equal<long?>([10, 10, 20, 30, 30, 40], df.Columns.GetInt64Column("label"));
        Assert.Equal(["val/0.jpg", "val/1.jpg", "val/2.jpg", "val/3.jpg", "val/4.jpg", "val/5.jpg"], df.Columns.GetStringColumn("path"));
        // two train rows and the header come first: validation row 0 is spreadsheet row 4
        Assert.Equal<int?>([4, 5, 6, 7, 8, 9], df.Columns.GetInt32Column("csv_row"));
    }

    [Fact]
    public void Grouping_per_query_cmc_by_category_gives_the_category_metrics()
    {
        var means = _result.ToDataFrame(_frame).GroupBy("category").Mean("OVERALL/cmc/1");

        var byCategory = Enumerable.Range(0, (int)means.Rows.Count).ToDictionary(i => (string)means["category"][i], i => (double)means["OVERALL/cmc/1"][i]);
        Assert.Equal(["bags", "shoes"], byCategory.Keys.Order());
        foreach (var (category, mean) in byCategory)
        {
            Assert.Equal(_result.Metrics[$"{category}/cmc/1"], mean, 12);
        }
        Assert.Equal(0, byCategory["bags"], 12);   // q5 (null) is left out, as in the metric, not counted as 0
        Assert.Equal(_result.Metrics["OVERALL/cmc/1"], _result.ToDataFrame().Columns.GetDoubleColumn("OVERALL/cmc/1").Mean(), 12);
    }

    [Fact]
    public void Indexing_by_the_worst_queries_gives_their_rows_in_that_order()
    {
        var df = _result.ToDataFrame(_frame);
        var worst = df[_result.WorstQueries("OVERALL/cmc/1", 3)];

        // cmc/1 = 0 for q2, q3, q4: q2 (no correct result retrieved) first, then q4 (gap 1.0) before q3 (gap 0.5)
        Assert.Equal<int?>([2, 4, 3], worst.Columns.GetInt32Column("query"));
        Assert.Equal(["val/2.jpg", "val/4.jpg", "val/3.jpg"], worst.Columns.GetStringColumn("path"));
    }

    [Fact]
    public void Sorting_by_a_metric_lists_the_worst_query_first()
    {
        var df = _result.ToDataFrame(_frame);
        var scored = df.Filter(df.Columns.GetDoubleColumn("OVERALL/map/3").ElementwiseIsNotNull());
        var worst = scored.OrderBy("OVERALL/map/3");

        Assert.Equal("val/2.jpg", worst["path"][0]);
        Assert.Equal(5, worst.Rows.Count);
    }

    [Fact]
    public void One_row_per_category_overall_first_with_nulls_for_metrics_a_category_does_not_have()
    {
        var df = _result.CategoryMetricsDataFrame();

        Assert.Equal(["category", "cmc/1", "cmc/3", "map/3", "fnmr@fmr/0.5"], df.Columns.Select(c => c.Name));
        Assert.Equal([typeof(string), typeof(double), typeof(double), typeof(double), typeof(double)], df.Columns.Select(c => c.DataType));
        Assert.Equal(["OVERALL", "bags", "shoes"], df.Columns.GetStringColumn("category"));
        Assert.Equal([0.4, 0, 2.0 / 3], df.Columns.GetDoubleColumn("cmc/1").Select(v => Math.Round(v!.Value, 12)), new Rounded());
        Assert.Equal([0.8, 1, 2.0 / 3], df.Columns.GetDoubleColumn("cmc/3").Select(v => v!.Value), new Rounded());
        Assert.Equal([0.6, 0.5, 2.0 / 3], df.Columns.GetDoubleColumn("map/3").Select(v => v!.Value), new Rounded());
        var fnmr = df.Columns.GetDoubleColumn("fnmr@fmr/0.5");
        Assert.Equal(_result.Metrics["OVERALL/fnmr@fmr/0.5"], fnmr[0]);
        Assert.Null(fnmr[1]);
        Assert.Null(fnmr[2]);
    }

    [Fact]
    public void With_only_overall_returned_the_table_has_one_row_unless_all_metrics_are_asked_for()
    {
        using var directory = new TempDirectory();
        var frame = AnalysisTestData.Frame(directory);
        using var scope = TorchSharp.torch.NewDisposeScope();
        var embeddings = TorchSharp.torch.zeros(AnalysisTestData.X.Length, 2);
        for (var i = 0; i < AnalysisTestData.X.Length; i++) embeddings[i, 0] = TorchSharp.torch.tensor(AnalysisTestData.X[i]);
        var result = EmbeddingMetrics.Compute(embeddings, ValidationSet.Setup(frame), AnalysisTestData.Args with { ReturnOnlyOverallCategory = true }, ValidationSet.Categories(frame));

        Assert.Equal(["OVERALL"], result.CategoryMetricsDataFrame().Columns.GetStringColumn("category"));
        Assert.Equal(["OVERALL", "bags", "shoes"], result.CategoryMetricsDataFrame(allMetrics: true).Columns.GetStringColumn("category"));
    }

    [Fact]
    public void Without_categories_the_category_column_is_null_and_the_table_has_only_overall()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var embeddings = TorchSharp.torch.zeros(AnalysisTestData.X.Length, 2);
        for (var i = 0; i < AnalysisTestData.X.Length; i++) embeddings[i, 0] = TorchSharp.torch.tensor(AnalysisTestData.X[i]);
        var result = EmbeddingMetrics.Compute(embeddings, ValidationSet.Setup(_frame), AnalysisTestData.Args);

        var perQuery = result.ToDataFrame(_frame);
        Assert.Equal(6, perQuery.Columns.GetStringColumn("category").NullCount);
        // GroupBy leaves null keys out: no category, no groups (as no category has a metric of its own)
        Assert.Equal(0, perQuery.GroupBy("category").Mean("OVERALL/cmc/1").Rows.Count);
        Assert.Equal(["OVERALL"], result.CategoryMetricsDataFrame().Columns.GetStringColumn("category"));
    }

    [Fact]
    public void A_frame_with_too_few_validation_rows_is_refused_with_a_message_that_says_so()
    {
        var other = DatasetFrame.FromRows([DatasetRow.Validation(1, "a.jpg"), DatasetRow.Validation(2, "b.jpg")], Dir.Path, checkFilesExist: false);

        var error = Assert.Throws<OmlException>(() => _result.ToDataFrame(other));
        Assert.Contains("has 2 validation rows but the metrics refer to validation row 6", error.Message);
    }

    private sealed class Rounded : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-12;

        public int GetHashCode(double obj) => 0;
    }
}
