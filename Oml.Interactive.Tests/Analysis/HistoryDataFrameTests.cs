using Microsoft.Data.Analysis;
using Oml.Analysis;
using Oml.Training;

namespace Oml.Tests.Analysis;

public sealed class HistoryDataFrameTests
{
    private static readonly EpochRecord[] History =
    [
        new(0, 1.25, 3.5, 1e-3, null),
        new(1, 0.75, 7.0, 5e-4, new Dictionary<string, double> { ["OVERALL/cmc/1"] = 0.5, ["OVERALL/map/5"] = 0.25, ["shoes/cmc/1"] = double.NaN }),
        new(2, 0.5, 10.5, 2.5e-4, null),
        new(3, 0.25, 14.0, 1.25e-4, new Dictionary<string, double> { ["OVERALL/cmc/1"] = 0.75, ["OVERALL/map/5"] = 0.5, ["OVERALL/pcf/0.5"] = 0.125 }),
    ];

    [Fact]
    public void One_row_per_epoch_numbered_from_one_with_a_column_per_metric()
    {
        var df = History.ToDataFrame();

        Assert.Equal(["epoch", "loss", "lr", "seconds", "OVERALL/cmc/1", "OVERALL/map/5", "shoes/cmc/1", "OVERALL/pcf/0.5"], df.Columns.Select(c => c.Name));
        Assert.Equal([typeof(int), typeof(double), typeof(double), typeof(double), typeof(double), typeof(double), typeof(double), typeof(double)], df.Columns.Select(c => c.DataType));
        Assert.Equal<int?>([1, 2, 3, 4], df.Columns.GetInt32Column("epoch"));
        Assert.Equal<double?>([1.25, 0.75, 0.5, 0.25], df.Columns.GetDoubleColumn("loss"));
        Assert.Equal<double?>([1e-3, 5e-4, 2.5e-4, 1.25e-4], df.Columns.GetDoubleColumn("lr"));
        Assert.Equal<double?>([3.5, 7.0, 10.5, 14.0], df.Columns.GetDoubleColumn("seconds"));
        Assert.Equal<double?>([null, 0.5, null, 0.75], df.Columns.GetDoubleColumn("OVERALL/cmc/1"));
        Assert.Equal<double?>([null, 0.25, null, 0.5], df.Columns.GetDoubleColumn("OVERALL/map/5"));
        // NaN (nothing to average) is null, like a metric an epoch did not log
        Assert.Equal<double?>([null, null, null, null], df.Columns.GetDoubleColumn("shoes/cmc/1"));
        Assert.Equal<double?>([null, null, null, 0.125], df.Columns.GetDoubleColumn("OVERALL/pcf/0.5"));
        Assert.Equal(2, df.Columns.GetDoubleColumn("OVERALL/cmc/1").NullCount);
    }

    [Fact]
    public void A_list_works_as_the_receiver_and_an_empty_history_gives_the_fixed_columns()
    {
        var list = new List<EpochRecord>(History.Take(1));
        Assert.Equal(["epoch", "loss", "lr", "seconds"], list.ToDataFrame().Columns.Select(c => c.Name));
        var empty = Array.Empty<EpochRecord>().ToDataFrame();
        Assert.Equal(["epoch", "loss", "lr", "seconds"], empty.Columns.Select(c => c.Name));
        Assert.Equal(0, empty.Rows.Count);
    }

    [Fact]
    public void The_validated_epochs_filter_out_by_their_nulls()
    {
        var df = History.ToDataFrame();
        var cmc = df.Filter(df.Columns.GetDoubleColumn("OVERALL/cmc/1").ElementwiseIsNotNull());
        Assert.Equal<int?>([2, 4], cmc.Columns.GetInt32Column("epoch"));
    }
}
