using Microsoft.Data.Analysis;
using Oml.Data;

namespace Oml.Analysis;

/// <summary>A <see cref="DatasetFrame"/> as a <see cref="DataFrame"/> (Microsoft.Data.Analysis), for filtering and grouping in a notebook.</summary>
public static class DatasetFrameDataFrame
{
    /// <summary>Column of the path joined to the dataset root (absolute).</summary>
    public const string ResolvedPath = "resolved_path";

    /// <summary>Column of the spreadsheet row of the CSV line (the header is row 1).</summary>
    public const string CsvRow = "csv_row";

    /// <summary>
    /// One row per dataset row, in file order, labels as written (not the remapped train labels). Columns, OML's first
    /// and in OML's order:
    /// <list type="bullet">
    /// <item><c>label</c> (Int64), <c>path</c> (String, as written), <c>split</c> (String: <c>train</c> or <c>validation</c>);</item>
    /// <item><c>is_query</c>, <c>is_gallery</c> (Boolean; null on train rows);</item>
    /// <item><c>x_1</c>, <c>x_2</c>, <c>y_1</c>, <c>y_2</c> (Int32, null on rows without a box) when the frame has boxes;</item>
    /// <item><c>category</c> (String) when the frame has a category column, <c>sequence</c> (String) when it has a sequence column; null where a row leaves them empty;</item>
    /// <item><c>resolved_path</c> (String): the path joined to <see cref="DatasetFrame.DatasetRoot"/>;</item>
    /// <item><c>csv_row</c> (Int32): the spreadsheet row of the row's CSV line (the header is row 1, so the first row is 2); for a
    /// frame made with <see cref="DatasetFrame.FromRows"/>, its row in the CSV that <see cref="DatasetCsv.Write"/> would write.</item>
    /// </list>
    /// </summary>
    public static DataFrame ToDataFrame(this DatasetFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var rows = frame.Rows;
        var columns = new List<DataFrameColumn>
        {
            new Int64DataFrameColumn(DatasetCsv.Label, rows.Select(r => (long?)r.Label)),
            new StringDataFrameColumn(DatasetCsv.Path, rows.Select(r => r.Path)),
            new StringDataFrameColumn(DatasetCsv.Split, rows.Select(r => DatasetCsv.SplitName(r.Split))),
            new BooleanDataFrameColumn(DatasetCsv.IsQuery, rows.Select(r => r.IsQuery)),
            new BooleanDataFrameColumn(DatasetCsv.IsGallery, rows.Select(r => r.IsGallery)),
        };
        if (frame.HasBoxes)
        {
            columns.Add(new Int32DataFrameColumn(DatasetCsv.X1, rows.Select(r => r.Box?.X1)));
            columns.Add(new Int32DataFrameColumn(DatasetCsv.X2, rows.Select(r => r.Box?.X2)));
            columns.Add(new Int32DataFrameColumn(DatasetCsv.Y1, rows.Select(r => r.Box?.Y1)));
            columns.Add(new Int32DataFrameColumn(DatasetCsv.Y2, rows.Select(r => r.Box?.Y2)));
        }
        if (frame.HasCategory) columns.Add(new StringDataFrameColumn(DatasetCsv.Category, rows.Select(r => r.Category)));
        if (frame.HasSequence) columns.Add(new StringDataFrameColumn(DatasetCsv.Sequence, rows.Select(r => r.Sequence)));
        columns.Add(new StringDataFrameColumn(ResolvedPath, rows.Select(frame.ResolvePath)));
        columns.Add(new Int32DataFrameColumn(CsvRow, rows.Select(r => r.RowNumber > 0 ? r.RowNumber : (int?)null)));
        return new DataFrame(columns);
    }
}
