namespace Oml.Tests.Data;

/// <summary>Writes a df.csv from literal lines and creates an empty file for every path cell it mentions.</summary>
internal static class CsvFixture
{
    public const string Header = "label,path,split,is_query,is_gallery";

    /// <summary>A valid frame: 2 train labels x 2, 2 validation labels x 2 (all queries and galleries).</summary>
    public static readonly string[] ValidRows =
    [
        "0,img/0.jpg,train,,",
        "0,img/1.jpg,train,,",
        "1,img/2.jpg,train,,",
        "1,img/3.jpg,train,,",
        "2,img/4.jpg,validation,True,True",
        "2,img/5.jpg,validation,True,True",
        "3,img/6.jpg,validation,True,True",
        "3,img/7.jpg,validation,True,True",
    ];

    /// <summary><see cref="ValidRows"/> with the rows at the given indexes replaced.</summary>
    public static string[] ValidRowsWith(params (int Index, string Row)[] replacements)
    {
        var rows = ValidRows.ToArray();
        foreach (var (index, row) in replacements) rows[index] = row;
        return rows;
    }

    public static string Write(TempDirectory dir, string header, IEnumerable<string> rows, bool createFiles = true)
    {
        var lines = rows.ToArray();
        var csv = dir.Write("df.csv", header + "\n" + string.Join("\n", lines) + "\n");
        if (createFiles)
        {
            var table = CsvTable.Load(csv);
            var pathColumn = table.ColumnIndex("path");
            if (pathColumn >= 0)
            {
                foreach (var record in table.Records)
                {
                    var path = record.Cell(pathColumn);
                    if (path.Length > 0 && !Path.IsPathRooted(path)) dir.Write(path, "");
                }
            }
        }
        return csv;
    }

    public static DatasetValidation Validate(TempDirectory dir, string header, IEnumerable<string> rows) =>
        DatasetFrame.Validate(Write(dir, header, rows));

    /// <summary>The problems as their display strings, for readable assertion failures.</summary>
    public static string[] Errors(DatasetValidation validation) => validation.Errors.Select(e => e.ToString()).ToArray();

    public static string[] Warnings(DatasetValidation validation) => validation.Warnings.Select(e => e.ToString()).ToArray();
}
