using static Oml.Tests.Data.CsvFixture;

namespace Oml.Tests.Data;

public sealed class DatasetFrameTests : TempDirectoryTest
{
    [Fact]
    public void TrainLabelsAreRemappedInOrderOfFirstAppearanceAndValidationLabelsKept()
    {
        string[] rows =
        [
            "10,a.jpg,train,,",
            "3,b.jpg,train,,",
            "10,c.jpg,train,,",
            "7,d.jpg,train,,",
            "3,e.jpg,train,,",
            "7,f.jpg,train,,",
            "42,g.jpg,validation,True,True",
            "42,h.jpg,validation,False,True",
            "5,i.jpg,validation,False,True",
        ];
        var frame = DatasetFrame.Load(Write(Dir, Header, rows));

        Assert.Equal([0L, 1, 0, 2, 1, 2], frame.Train.Select(r => r.Label));
        Assert.Equal(new Dictionary<long, long> { [10] = 0, [3] = 1, [7] = 2 }, frame.TrainLabelMap);
        Assert.Equal([42L, 42, 5], frame.Validation.Select(r => r.Label));
        Assert.Equal([10L, 3, 10, 7, 3, 7, 42, 42, 5], frame.Rows.Select(r => r.Label));
        Assert.Equal(3, frame.TrainLabelCount);
    }

    [Fact]
    public void CategoryAndSequenceAreKept()
    {
        var rows = ValidRows.Select((r, i) => $"{r},cat{i % 2},seq{i / 3}");
        var frame = DatasetFrame.Load(Write(Dir, Header + ",category,sequence", rows));
        Assert.True(frame.HasCategory && frame.HasSequence && !frame.HasBoxes);
        Assert.Equal("cat1", frame.Rows[5].Category);
        Assert.Equal("seq1", frame.Rows[5].Sequence);
    }

    [Fact]
    public void SummaryCountsSplitsLabelsQueriesAndImagesPerLabel()
    {
        var rows = ValidRows.Concat(["1,img/8.jpg,train,,", "3,img/9.jpg,validation,False,True"]);
        var summary = DatasetFrame.Load(Write(Dir, Header + "", rows)).Summarize();

        Assert.Equal(10, summary.Rows);
        Assert.Equal(5, summary.TrainRows);
        Assert.Equal(5, summary.ValidationRows);
        Assert.Equal(new LabelCountStats(2, 2, 2.5, 3), summary.TrainImagesPerLabel);
        Assert.Equal(new LabelCountStats(2, 2, 2.5, 3), summary.ValidationImagesPerLabel);
        Assert.Equal((4, 5, 4), (summary.Queries, summary.Galleries, summary.QueriesAlsoGalleries));
        Assert.Contains(("train images per label min / median / max", "2 / 2.5 / 3"), summary.Lines());
        Assert.Matches(@"train images per label min / median / max +2 / 2.5 / 3\n", summary.ToString());
    }

    [Fact]
    public void RowsBuiltInCodeAreValidatedLikeACsv()
    {
        DatasetRow[] rows =
        [
            DatasetRow.Train(5, "a.jpg"),
            DatasetRow.Train(5, "b.jpg"),
            DatasetRow.Validation(1, "c.jpg") with { Box = new BoundingBox(0, 0, 1, 2) },
        ];
        var e = Assert.Throws<OmlException>(() => DatasetFrame.FromRows(rows, Dir.Path, checkFilesExist: false));
        Assert.Equal(["row 4, column 'x_2': x_1=0, x_2=0 is not valid: expected x_1 < x_2 (x_2 is exclusive)"], e.Details);

        var ok = DatasetFrame.FromRows(rows.Take(2).Append(DatasetRow.Validation(1, "c.jpg")).Append(DatasetRow.Validation(1, "d.jpg")).Append(DatasetRow.Validation(2, "e.jpg")).ToArray(), Dir.Path, checkFilesExist: false);
        Assert.Equal(5, ok.Rows.Count);
    }

    [Fact]
    public void CsvWriterRoundTripsThroughTheReader()
    {
        DatasetRow[] rows =
        [
            DatasetRow.Train(0, "dir with, comma/a.jpg") with { Category = "say \"hi\"", Sequence = "s1" },
            DatasetRow.Train(0, "b.jpg") with { Box = new BoundingBox(1, 2, 3, 4) },
            DatasetRow.Validation(2, "c.jpg", isQuery: true, isGallery: true),
            DatasetRow.Validation(2, "d.jpg", isQuery: false, isGallery: true),
            DatasetRow.Validation(3, "e.jpg", isQuery: false, isGallery: true),
        ];
        var csv = Dir.File("out/df.csv");
        DatasetCsv.Write(csv, rows);
        Assert.False(File.Exists(csv + ".tmp"));
        var frame = DatasetFrame.Load(csv, new DatasetLoadOptions { CheckFilesExist = false });

        Assert.Equal(rows.Select(r => r with { RowNumber = 0 }), frame.Rows.Select(r => r with { RowNumber = 0 }));
        Assert.StartsWith("label,path,split,is_query,is_gallery,x_1,x_2,y_1,y_2,category,sequence\n0,\"dir with, comma/a.jpg\",train,,,,,,,\"say \"\"hi\"\"\",s1\n", File.ReadAllText(csv));
    }
}
