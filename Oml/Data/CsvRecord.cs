namespace Oml.Data;

/// <summary>One CSV record: the line it starts on (the header is line 1) and its cells.</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Cells)
{
    public string Cell(int column) => column >= 0 && column < Cells.Count ? Cells[column] : "";
}
