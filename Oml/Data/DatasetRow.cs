namespace Oml.Data;

/// <summary>
/// One row of an OML dataframe (<c>df.csv</c>). <see cref="IsQuery"/> and <see cref="IsGallery"/> are null on
/// train rows and set on validation rows. <see cref="RowNumber"/> is the spreadsheet row of the CSV line
/// (the header is row 1, so the first data row is row 2); 0 for rows that were not read from a file.
/// </summary>
public sealed record DatasetRow(long Label, string Path, DatasetSplit Split, bool? IsQuery = null, bool? IsGallery = null)
{
    public BoundingBox? Box { get; init; }

    public string? Category { get; init; }

    public string? Sequence { get; init; }

    public int RowNumber { get; init; }

    public static DatasetRow Train(long label, string path) => new(label, path, DatasetSplit.Train);

    public static DatasetRow Validation(long label, string path, bool isQuery = true, bool isGallery = true) =>
        new(label, path, DatasetSplit.Validation, isQuery, isGallery);
}
