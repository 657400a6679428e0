using System.Globalization;
using System.Text;

namespace Oml.Data;

/// <summary>Writes OML dataframes the way pandas writes them (<c>True</c>/<c>False</c>, empty cells for NaN).</summary>
public static class DatasetCsv
{
    public const string Label = "label";
    public const string Path = "path";
    public const string Split = "split";
    public const string IsQuery = "is_query";
    public const string IsGallery = "is_gallery";
    public const string X1 = "x_1";
    public const string X2 = "x_2";
    public const string Y1 = "y_1";
    public const string Y2 = "y_2";
    public const string Category = "category";
    public const string Sequence = "sequence";

    public static readonly string[] ObligatoryColumns = [Label, Split, IsQuery, IsGallery];
    public static readonly string[] BoxColumns = [X1, X2, Y1, Y2];

    public static string SplitName(DatasetSplit split) => split == DatasetSplit.Train ? "train" : "validation";

    /// <summary>
    /// Writes <paramref name="rows"/> to <paramref name="csvPath"/> atomically (temp file + rename). Box, category and
    /// sequence columns are written when any row has them.
    /// </summary>
    public static void Write(string csvPath, IReadOnlyCollection<DatasetRow> rows)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(csvPath))!;
        Directory.CreateDirectory(directory);
        var temp = csvPath + ".tmp";
        File.WriteAllText(temp, ToCsvText(rows), new UTF8Encoding(false));
        File.Move(temp, csvPath, overwrite: true);
    }

    /// <summary>The CSV text <see cref="Write"/> writes.</summary>
    public static string ToCsvText(IReadOnlyCollection<DatasetRow> rows)
    {
        var withBoxes = rows.Any(r => r.Box is not null);
        var withCategory = rows.Any(r => r.Category is not null);
        var withSequence = rows.Any(r => r.Sequence is not null);

        var header = new List<string> { Label, Path, Split, IsQuery, IsGallery };
        if (withBoxes) header.AddRange(BoxColumns);
        if (withCategory) header.Add(Category);
        if (withSequence) header.Add(Sequence);

        var text = new StringBuilder();
        text.Append(CsvTable.FormatLine(header)).Append('\n');
        foreach (var row in rows)
        {
            var cells = new List<string>
            {
                row.Label.ToString(CultureInfo.InvariantCulture),
                row.Path,
                SplitName(row.Split),
                FormatBool(row.IsQuery),
                FormatBool(row.IsGallery),
            };
            if (withBoxes)
            {
                var b = row.Box;
                cells.Add(b is null ? "" : b.Value.X1.ToString(CultureInfo.InvariantCulture));
                cells.Add(b is null ? "" : b.Value.X2.ToString(CultureInfo.InvariantCulture));
                cells.Add(b is null ? "" : b.Value.Y1.ToString(CultureInfo.InvariantCulture));
                cells.Add(b is null ? "" : b.Value.Y2.ToString(CultureInfo.InvariantCulture));
            }
            if (withCategory) cells.Add(row.Category ?? "");
            if (withSequence) cells.Add(row.Sequence ?? "");
            text.Append(CsvTable.FormatLine(cells)).Append('\n');
        }
        return text.ToString();
    }

    private static string FormatBool(bool? value) => value switch
    {
        null => "",
        true => "True",
        false => "False",
    };
}
