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

    /// <summary>
    /// The validation split is for retrieval metrics (training's validation, <c>oml validate</c>, <c>oml evaluate</c>,
    /// <c>oml dataset check</c>): a split where no query can retrieve a wrong item (a single label) is an error, since
    /// every metric would be 1.0 whatever the model. Prediction, which only embeds the rows, turns it off.
    /// </summary>
    public bool CheckValidationRetrieval { get; init; } = true;
}
