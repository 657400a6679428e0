namespace Oml.Data;

/// <summary>How a <c>df.csv</c> is read and validated.</summary>
public sealed record DatasetLoadOptions
{
    /// <summary>
    /// Folder that relative <c>path</c> cells are relative to (OML's <c>dataset_root</c>). Null means the folder of the
    /// CSV file, which is where OML's pipelines put <c>df.csv</c>.
    /// </summary>
    public string? DatasetRoot { get; init; }

    /// <summary>Check that every image file exists (OML rule 7). Stats every file; switch off for quick looks.</summary>
    public bool CheckFilesExist { get; init; } = true;
}
