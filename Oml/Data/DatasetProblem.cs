namespace Oml.Data;

/// <summary>
/// One finding of the dataframe validation: where (CSV file, spreadsheet row, column) and what is wrong,
/// including the bad value and what would be valid. <see cref="Row"/> is 0 for problems of the whole file.
/// </summary>
public sealed record DatasetProblem(DatasetProblemSeverity Severity, int Row, string? Column, string Message)
{
    public override string ToString()
    {
        var where = (Row, Column) switch
        {
            (> 0, not null) => $"row {Row}, column '{Column}': ",
            (> 0, null) => $"row {Row}: ",
            (_, not null) => $"column '{Column}': ",
            _ => "",
        };
        return where + Message;
    }
}
