namespace Oml.Data.Sources;

/// <summary>
/// What a dataset source wrote: the folder to use as <c>dataset_root</c>, its dataframes and counts, and any
/// warnings the user should read (skipped folders, classes too small for a sampler).
/// </summary>
public sealed record DatasetSourceResult(
    string OutputDirectory,
    IReadOnlyList<string> CsvFiles,
    int TrainImages,
    int ValidationImages,
    int TrainClasses,
    int ValidationClasses,
    IReadOnlyList<string> Warnings)
{
    /// <summary>The plain <c>df.csv</c> (always the first of <see cref="CsvFiles"/>).</summary>
    public string DataFrame => CsvFiles[0];

    public int TotalImages => TrainImages + ValidationImages;
}
