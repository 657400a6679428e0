using Microsoft.Data.Analysis;
using Oml.Analysis;

namespace Oml.Tests.Analysis;

public sealed class DatasetFrameDataFrameTests : TempDirectoryTest
{
    [Fact]
    public void Rows_in_file_order_with_labels_as_written_and_typed_columns()
    {
        var frame = AnalysisTestData.Frame(Dir);
        var df = frame.ToDataFrame();

        Assert.Equal(["label", "path", "split", "is_query", "is_gallery", "category", "resolved_path", "csv_row"], df.Columns.Select(c => c.Name));
        Assert.Equal([typeof(long), typeof(string), typeof(string), typeof(bool), typeof(bool), typeof(string), typeof(string), typeof(int)], df.Columns.Select(c => c.DataType));
        Assert.Equal(9, df.Rows.Count);
        // train labels as written (1, 2), not remapped (0, 1)
        Assert.Equal<long?>([1, 2, 10, 10, 20, 30, 30, 40, 20], df.Columns.GetInt64Column("label"));
        Assert.Equal(["train/a.jpg", "train/b.jpg", "val/0.jpg"], df.Columns.GetStringColumn("path").Take(3));
        Assert.Equal(["train", "train", "validation", "validation", "validation", "validation", "validation", "validation", "validation"], df.Columns.GetStringColumn("split"));
        Assert.Equal<bool?>([null, null, true, true, true, true, true, true, false], df.Columns.GetBooleanColumn("is_query"));
        Assert.Equal<bool?>([null, null, true, true, true, true, true, true, true], df.Columns.GetBooleanColumn("is_gallery"));
        Assert.Equal(2, df.Columns.GetBooleanColumn("is_query").NullCount);
        Assert.Equal(["shoes", "bags", "shoes", "shoes", "shoes", "bags", "bags", "bags", "shoes"], df.Columns.GetStringColumn("category"));
        Assert.Equal(Path.Combine(Dir.Path, "data", "val", "6.jpg"), df.Columns.GetStringColumn("resolved_path")[8]);
        Assert.Equal<int?>([2, 3, 4, 5, 6, 7, 8, 9, 10], df.Columns.GetInt32Column("csv_row"));
    }

    [Fact]
    public void Boxes_and_sequence_appear_when_the_frame_has_them_with_nulls_where_a_row_has_none()
    {
        var csv = Dir.Write("df.csv", string.Join("\n",
        [
            "label,path,split,is_query,is_gallery,x_1,x_2,y_1,y_2,sequence",
            "0,a.jpg,train,,,1,11,2,22,s0",
            "0,b.jpg,train,,,,,,,",
            "5,c.jpg,validation,True,False,3,13,4,24,s1",
            "5,d.jpg,validation,False,True,,,,,s1",
        ]) + "\n");
        var df = DatasetFrame.Load(csv, new DatasetLoadOptions { CheckFilesExist = false }).ToDataFrame();

        Assert.Equal(["label", "path", "split", "is_query", "is_gallery", "x_1", "x_2", "y_1", "y_2", "sequence", "resolved_path", "csv_row"], df.Columns.Select(c => c.Name));
        Assert.Equal<int?>([1, null, 3, null], df.Columns.GetInt32Column("x_1"));
        Assert.Equal<int?>([11, null, 13, null], df.Columns.GetInt32Column("x_2"));
        Assert.Equal<int?>([2, null, 4, null], df.Columns.GetInt32Column("y_1"));
        Assert.Equal<int?>([22, null, 24, null], df.Columns.GetInt32Column("y_2"));
        Assert.Equal(["s0", null, "s1", "s1"], df.Columns.GetStringColumn("sequence"));
        Assert.Equal<bool?>([null, null, true, false], df.Columns.GetBooleanColumn("is_query"));
        Assert.Equal<bool?>([null, null, false, true], df.Columns.GetBooleanColumn("is_gallery"));
    }

    [Fact]
    public void A_frame_made_in_code_has_the_obligatory_columns_and_no_optional_ones()
    {
        var frame = DatasetFrame.FromRows([DatasetRow.Train(7, "x.jpg"), DatasetRow.Validation(8, "/abs/y.jpg")], Dir.Path, checkFilesExist: false);
        var df = frame.ToDataFrame();

        Assert.Equal(["label", "path", "split", "is_query", "is_gallery", "resolved_path", "csv_row"], df.Columns.Select(c => c.Name));
        Assert.Equal<long?>([7, 8], df.Columns.GetInt64Column("label"));
        Assert.Equal([Path.Combine(Dir.Path, "x.jpg"), "/abs/y.jpg"], df.Columns.GetStringColumn("resolved_path"));
        // rows made in code are numbered as in the CSV DatasetCsv would write for them
        Assert.Equal<int?>([2, 3], df.Columns.GetInt32Column("csv_row"));
    }

    [Fact]
    public void Filters_and_groups_like_a_table()
    {
        var df = AnalysisTestData.Frame(Dir).ToDataFrame();

        var validation = df.Filter(df.Columns.GetStringColumn("split").ElementwiseEquals("validation"));
        var perCategory = validation.GroupBy("category").Count();

        Assert.Equal(7, validation.Rows.Count);
        var counts = Enumerable.Range(0, (int)perCategory.Rows.Count).ToDictionary(i => (string)perCategory["category"][i], i => Convert.ToInt64(perCategory["label"][i]));
        Assert.Equal(new Dictionary<string, long> { ["shoes"] = 4, ["bags"] = 3 }, counts);
    }
}
