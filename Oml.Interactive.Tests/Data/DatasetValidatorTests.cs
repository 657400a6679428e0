using static Oml.Tests.Data.CsvFixture;

namespace Oml.Tests.Data;

/// <summary>OML's dataframe rules (<c>oml/utils/dataframe_format.py: check_retrieval_dataframe_format</c>; golden case T29 in
/// docs/oml-golden-cases.md) and the improvements over them.</summary>
public sealed class DatasetValidatorTests : TempDirectoryTest
{
    private DatasetValidation ValidateWith(params (int Index, string Row)[] replacements) => Validate(Dir, Header, ValidRowsWith(replacements));

    private DatasetValidation ValidateWithExtraRow(string row) => Validate(Dir, Header, ValidRows.Append(row));

    [Fact]
    public void ValidFrameHasNoProblems()
    {
        var validation = Validate(Dir, Header, ValidRows);
        Assert.Empty(validation.Problems);
        Assert.Equal(8, validation.Rows.Count);
        Assert.Equal(2, validation.Rows[0].RowNumber);
        Assert.Equal(9, validation.Rows[^1].RowNumber);
    }

    [Theory]
    [InlineData("label")]
    [InlineData("split")]
    [InlineData("is_query")]
    [InlineData("is_gallery")]
    [InlineData("path")]
    public void MissingObligatoryColumnIsAnError(string column)
    {
        var header = Header.Split(',');
        var keep = Enumerable.Range(0, header.Length).Where(i => header[i] != column).ToArray();
        var rows = ValidRows.Select(r => string.Join(",", keep.Select(i => r.Split(',')[i])));
        var validation = Validate(Dir, string.Join(",", keep.Select(i => header[i])), rows);

        var error = Assert.Single(validation.Errors);
        Assert.Equal(column, error.Column);
        Assert.Equal(0, error.Row);
        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public void UnknownSplitNamesRowColumnAndValidValues()
    {
        var validation = ValidateWith((2, "1,img/2.jpg,test,,"));
        Assert.Equal(["row 4, column 'split': 'test' is not valid: expected 'train' or 'validation'"], Errors(validation));
    }

    [Theory]
    [InlineData("1,img/2.jpg,train,1,", "is_query", "'1'")]
    [InlineData("1,img/2.jpg,train,,2", "is_gallery", "'2'")]
    [InlineData("1,img/2.jpg,train,True,", "is_query", "'True'")]
    public void TrainRowsMustLeaveQueryAndGalleryEmpty(string row, string column, string shown)
    {
        var error = Assert.Single(ValidateWith((2, row)).Errors);
        Assert.Equal((4, column), (error.Row, error.Column));
        Assert.StartsWith(shown + " is not valid on a train row: expected an empty cell", error.Message);
    }

    [Theory]
    [InlineData("2,img/4.jpg,validation,asd,True", "is_query", "'asd'")]
    [InlineData("2,img/4.jpg,validation,True,123", "is_gallery", "'123'")]
    [InlineData("2,img/4.jpg,validation,True,", "is_gallery", "an empty cell")]
    [InlineData("2,img/4.jpg,validation,None,True", "is_query", "'None'")]
    public void ValidationRowsNeedTrueOrFalse(string row, string column, string shown)
    {
        var error = Assert.Single(ValidateWith((4, row)).Errors);
        Assert.Equal((6, column), (error.Row, error.Column));
        Assert.Equal(shown + " is not valid on a validation row: expected True or False", error.Message);
    }

    [Fact]
    public void OneAndZeroPassAsBooleansLikeInOml()
    {
        var validation = ValidateWith((4, "2,img/4.jpg,validation,1,0"), (5, "2,img/5.jpg,validation,0,1"));
        Assert.True(validation.IsValid, string.Join("\n", Errors(validation)));
        Assert.Equal((true, false), (validation.Rows[4].IsQuery, validation.Rows[4].IsGallery));
    }

    [Fact]
    public void ValidationRowThatIsNeitherQueryNorGalleryIsAnError()
    {
        var error = Assert.Single(ValidateWithExtraRow("3,img/8.jpg,validation,False,False").Errors);
        Assert.Equal(10, error.Row);
        Assert.Contains("both False", error.Message);
    }

    [Fact]
    public void QueryLabelWithoutGalleryIsAnError()
    {
        var error = Assert.Single(ValidateWithExtraRow("9,img/8.jpg,validation,True,False").Errors);
        Assert.Equal("row 10, column 'label': label 9 has 1 query (row 10) but no gallery item: every query label must also appear with is_gallery=True", error.ToString());
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("cat")]
    [InlineData("")]
    public void LabelMustBeAnInteger(string label)
    {
        var error = Assert.Single(ValidateWith((0, label + ",img/0.jpg,train,,")).Errors);
        Assert.Equal($"row 2, column 'label': '{label}' is not valid: expected an integer", error.ToString());
    }

    [Fact]
    public void MissingFilesAreReportedWithTheResolvedPath()
    {
        var csv = Write(Dir, Header, ValidRows);
        File.Delete(Dir.File("img/3.jpg"));
        var error = Assert.Single(DatasetFrame.Validate(csv).Errors);
        Assert.Equal(5, error.Row);
        Assert.Equal("path", error.Column);
        Assert.Contains(Dir.File("img/3.jpg"), error.Message);
    }

    [Fact]
    public void WrongDatasetRootFailsEveryPathAndANonFolderRootIsRefused()
    {
        var csv = Write(Dir, Header, ValidRows);
        var elsewhere = Directory.CreateDirectory(Dir.File("elsewhere")).FullName;
        var validation = DatasetFrame.Validate(csv, new DatasetLoadOptions { DatasetRoot = elsewhere });
        Assert.Equal(8, validation.Errors.Count(e => e.Column == "path"));

        var e = Assert.Throws<OmlException>(() => DatasetFrame.Load(csv, new DatasetLoadOptions { DatasetRoot = Dir.File("nope") }));
        Assert.Contains("is not a folder", e.Message);
    }

    [Fact]
    public void AbsolutePathsIgnoreTheRoot()
    {
        var absolute = Dir.Write("abs/x.jpg", "");
        var rows = ValidRowsWith((0, $"0,{absolute},train,,"));
        var frame = DatasetFrame.Load(Write(Dir, Header, rows));
        Assert.Equal(absolute, frame.ResolvePath(frame.Rows[0]));
        Assert.Equal(Dir.File("img/1.jpg"), frame.ResolvePath(frame.Rows[1]));
    }

    [Fact]
    public void CheckFilesCanBeSwitchedOff()
    {
        var csv = Write(Dir, Header, ValidRows, createFiles: false);
        Assert.Equal(8, DatasetFrame.Validate(csv).Errors.Count());
        Assert.True(DatasetFrame.Validate(csv, new DatasetLoadOptions { CheckFilesExist = false }).IsValid);
    }

    private const string BoxHeader = Header + ",x_1,x_2,y_1,y_2";

    private static string[] WithBoxes(params string[] boxes) =>
        ValidRows.Select((r, i) => r + "," + (i < boxes.Length ? boxes[i] : "0,10,0,10")).ToArray();

    [Fact]
    public void DroppingOneBoxColumnIsAnError()
    {
        var rows = ValidRows.Select(r => r + ",0,10,0").ToArray();
        var error = Assert.Single(Validate(Dir, Header + ",x_1,x_2,y_1", rows).Errors);
        Assert.Equal("found 3 of the 4 box columns; missing y_2 (give all of x_1, x_2, y_1, y_2 or none)", error.Message);
    }

    [Fact]
    public void OneBoxColumnAllEmptyIsAnErrorOnEveryRow()
    {
        var rows = ValidRows.Select(r => r + ",0,10,0,").ToArray();
        var errors = Validate(Dir, BoxHeader, rows).Errors.ToArray();
        Assert.Equal(8, errors.Length);
        Assert.All(errors, e => Assert.Contains("the box is incomplete: y_2 empty", e.Message));
    }

    [Fact]
    public void AllFourBoxColumnsEmptyIsValid()
    {
        var validation = Validate(Dir, BoxHeader, ValidRows.Select(r => r + ",,,,"));
        Assert.True(validation.IsValid);
        Assert.All(validation.Rows, r => Assert.Null(r.Box));
    }

    [Fact]
    public void RowsWithoutBoxMayStandNextToRowsWithBoxes()
    {
        // OML's validator allows this but its dataset then crashes on int(NaN) (quirk Q1, docs/oml-quirks.md)
        var validation = Validate(Dir, BoxHeader, WithBoxes("1,5,2,8", ",,,"));
        Assert.True(validation.IsValid, string.Join("\n", Errors(validation)));
        Assert.Equal(new BoundingBox(1, 5, 2, 8), validation.Rows[0].Box);
        Assert.Null(validation.Rows[1].Box);
        Assert.True(validation.HasBoxes);
    }

    [Theory]
    [InlineData("5,5,0,10", "x_2", "x_1=5, x_2=5 is not valid: expected x_1 < x_2 (x_2 is exclusive)")]
    [InlineData("0,10,8,3", "y_2", "y_1=8, y_2=3 is not valid: expected y_1 < y_2 (y_2 is exclusive)")]
    [InlineData("-1,10,0,10", "x_1", "-1 is not valid: box coordinates must be >= 0")]
    [InlineData("0,10,0,2.5", "y_2", "'2.5' is not valid: expected a whole number of pixels")]
    public void BadBoxesNameTheColumn(string box, string column, string message)
    {
        var error = Assert.Single(Validate(Dir, BoxHeader, WithBoxes(box)).Errors);
        Assert.Equal((2, column, message), (error.Row, error.Column, error.Message));
    }

    [Fact]
    public void WholeNumbersWrittenAsFloatsAreAccepted()
    {
        var validation = Validate(Dir, BoxHeader, WithBoxes("1.0,5.0,2.0,8.0"));
        Assert.Equal(new BoundingBox(1, 5, 2, 8), validation.Rows[0].Box);
    }

    [Fact]
    public void AllProblemsAreReportedAtOnceInOneException()
    {
        var rows = ValidRowsWith((0, "x,img/0.jpg,train,,"), (3, "1,img/3.jpg,tran,,"), (6, "3,img/6.jpg,validation,maybe,True"));
        var e = Assert.Throws<OmlException>(() => DatasetFrame.Load(Write(Dir, Header, rows)));
        Assert.Contains("3 problems", e.Message);
        Assert.Equal(
            [
                "row 2, column 'label': 'x' is not valid: expected an integer",
                "row 5, column 'split': 'tran' is not valid: expected 'train' or 'validation'",
                "row 8, column 'is_query': 'maybe' is not valid on a validation row: expected True or False",
            ],
            e.Details);
    }

    [Fact]
    public void RowWithTheWrongNumberOfCellsIsAnError()
    {
        var error = Assert.Single(ValidateWith((1, "0,img/1.jpg,train,")).Errors);
        Assert.Equal("row 3: has 4 cells but the header has 5 columns", error.ToString());
    }

    [Fact]
    public void EmptyPathIsAnError()
    {
        var error = Assert.Single(ValidateWith((1, "0,,train,,")).Errors);
        Assert.Equal((3, "path"), (error.Row, error.Column));
    }

    [Fact]
    public void DuplicatePathsAreAWarning()
    {
        var validation = ValidateWith((7, "3,img/6.jpg,validation,True,True"));
        Assert.True(validation.IsValid);
        var warning = Assert.Single(validation.Warnings);
        Assert.Equal("row 8, column 'path': 'img/6.jpg' appears in 2 rows (rows 8, 9); duplicated images are not excluded from their own retrieval results", warning.ToString());
    }

    [Fact]
    public void TrainLabelWithOneImageIsAWarningForTheSampler()
    {
        var warning = Assert.Single(ValidateWithExtraRow("5,img/8.jpg,train,,").Warnings);
        Assert.Equal(10, warning.Row);
        Assert.Contains("train label 5 has a single image; the balance samplers need at least 2", warning.Message);
    }

    [Fact]
    public void QueryWhoseOnlyGalleryIsItselfIsAWarning()
    {
        var warning = Assert.Single(ValidateWithExtraRow("7,img/8.jpg,validation,True,True").Warnings);
        Assert.Equal(10, warning.Row);
        Assert.Contains("no ground truth", warning.Message);
    }

    [Fact]
    public void LabelWithSeveralCategoriesIsAWarningAndTheLastWins()
    {
        var rows = ValidRows.Select((r, i) => r + "," + (i == 1 ? "shoes" : "bags")).ToArray();
        var csv = Write(Dir, Header + ",category", rows);
        var validation = DatasetFrame.Validate(csv);
        var warning = Assert.Single(validation.Warnings);
        Assert.Equal("row 2, column 'category': label 0 has several categories ('bags', 'shoes'); the last one, 'shoes', is used (as OML does)", warning.ToString());

        var frame = DatasetFrame.Load(csv);
        Assert.Equal(new Dictionary<long, string> { [0] = "shoes", [1] = "bags" }, frame.TrainLabelToCategory());
    }

    [Fact]
    public void DuplicateHeaderColumnIsAnError()
    {
        var validation = Validate(Dir, Header + ",label", ValidRows.Select(r => r + ",0"));
        Assert.Contains(validation.Errors, e => e.Message == "the header names column 'label' 2 times");
    }

    [Fact]
    public void TextDataframesAreRefusedWithTheReason()
    {
        var error = Assert.Single(Validate(Dir, "label,text,split,is_query,is_gallery", ValidRows).Errors);
        Assert.Contains("text datasets are not supported", error.Message);
    }

    [Fact]
    public void SingleLabelValidationSplitIsAnErrorBecauseEveryMetricWouldBeOne()
    {
        var validation = ValidateWith((6, "2,img/6.jpg,validation,True,True"), (7, "2,img/7.jpg,validation,True,True"));
        var error = Assert.Single(validation.Errors);
        Assert.Equal((6, "label"), (error.Row, error.Column));
        Assert.StartsWith("the validation split has a single label, 2: every query (4) retrieves only items of its own label, so every retrieval metric (cmc, precision, map) would be 1.0 whatever the model", error.Message);
        Assert.Contains("add validation rows of other labels", error.Message);

        // prediction embeds the rows and does no retrieval: there it is a warning
        var frame = DatasetFrame.Load(Dir.File("df.csv"), new DatasetLoadOptions { CheckValidationRetrieval = false });
        Assert.Contains(frame.Warnings, w => w.Message.StartsWith("the validation split has a single label", StringComparison.Ordinal));
    }

    [Fact]
    public void QueriesWithNoPossibleWrongAnswerAreAWarningWithCounts()
    {
        // the retrieval ignores gallery items of the query's sequence: query row 6 (label 2, sequence a) can only
        // retrieve rows 7 and 10 (label 2), as label 3's items share its sequence; queries 7 and 10 can be wrong
        var rows = new[]
        {
            "0,img/0.jpg,train,,,", "0,img/1.jpg,train,,,", "1,img/2.jpg,train,,,", "1,img/3.jpg,train,,,",
            "2,img/4.jpg,validation,True,True,a", "2,img/5.jpg,validation,True,True,b",
            "3,img/6.jpg,validation,False,True,a", "3,img/7.jpg,validation,False,True,a", "2,img/8.jpg,validation,True,True,c",
        };
        var validation = Validate(Dir, Header + ",sequence", rows);
        Assert.True(validation.IsValid, string.Join("\n", Errors(validation)));
        var warning = Assert.Single(validation.Warnings);
        Assert.Equal("row 6, column 'label': 1 of 3 validation queries have no possible wrong answer: every gallery item they can retrieve has their label " +
                     "(label (queries): 2 (1); row 6); they count as correct whatever the model, which lifts cmc, precision and map", warning.ToString());
    }
}
