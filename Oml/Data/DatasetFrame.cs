namespace Oml.Data;

/// <summary>
/// A validated OML dataframe: every row in file order, the train split with labels remapped to 0..N-1 (in order of
/// first appearance, so the mapping is stable), the validation split with its labels as written, and the warnings
/// the validation found. Build it with <see cref="Load"/> (a <c>df.csv</c>) or <see cref="FromRows"/> (from code);
/// both throw one <see cref="OmlException"/> listing every error.
/// </summary>
public sealed class DatasetFrame
{
    private DatasetFrame(string source, string datasetRoot, DatasetValidation validation)
    {
        Source = source;
        DatasetRoot = datasetRoot;
        Rows = validation.Rows;
        Warnings = validation.Warnings.ToArray();
        HasBoxes = validation.HasBoxes;
        HasCategory = validation.HasCategory;
        HasSequence = validation.HasSequence;

        var map = new Dictionary<long, long>();
        foreach (var row in Rows.Where(r => r.Split == DatasetSplit.Train))
        {
            map.TryAdd(row.Label, map.Count);
        }
        TrainLabelMap = map;
        Train = Rows.Where(r => r.Split == DatasetSplit.Train).Select(r => r with { Label = map[r.Label] }).ToArray();
        Validation = Rows.Where(r => r.Split == DatasetSplit.Validation).ToArray();
    }

    /// <summary>The CSV file (or "rows" for frames built from code).</summary>
    public string Source { get; }

    /// <summary>Absolute folder that relative paths are relative to.</summary>
    public string DatasetRoot { get; }

    /// <summary>All rows in file order, labels as written.</summary>
    public IReadOnlyList<DatasetRow> Rows { get; }

    /// <summary>Train rows in file order, labels remapped to 0..N-1 by <see cref="TrainLabelMap"/>.</summary>
    public IReadOnlyList<DatasetRow> Train { get; }

    /// <summary>Validation rows in file order, labels as written.</summary>
    public IReadOnlyList<DatasetRow> Validation { get; }

    /// <summary>Original train label -> remapped label (0..N-1, order of first appearance).</summary>
    public IReadOnlyDictionary<long, long> TrainLabelMap { get; }

    public IReadOnlyList<DatasetProblem> Warnings { get; }

    public bool HasBoxes { get; }

    public bool HasCategory { get; }

    public bool HasSequence { get; }

    public int TrainLabelCount => TrainLabelMap.Count;

    /// <summary>The file of a row: its path if absolute, else joined to <see cref="DatasetRoot"/>.</summary>
    public string ResolvePath(DatasetRow row) => Path.Combine(DatasetRoot, row.Path);

    /// <summary>
    /// Remapped train label -> category (the last category given for the label, as in OML), or null without a
    /// category column. ArcFace label smoothing and the category samplers use it.
    /// </summary>
    public IReadOnlyDictionary<long, string>? TrainLabelToCategory()
    {
        if (!HasCategory) return null;
        var result = new Dictionary<long, string>();
        foreach (var row in Train.Where(r => r.Category is not null))
        {
            result[row.Label] = row.Category!;
        }
        return result;
    }

    public DatasetSummary Summarize() => DatasetSummary.Of(this);

    /// <summary>Reads and validates <paramref name="csvPath"/>; throws one <see cref="OmlException"/> listing every error.</summary>
    public static DatasetFrame Load(string csvPath, DatasetLoadOptions? options = null)
    {
        options ??= new DatasetLoadOptions();
        if (options.DatasetRoot is not null && !Directory.Exists(options.DatasetRoot))
        {
            throw new OmlException($"dataset root '{options.DatasetRoot}' is not a folder (working directory: {Environment.CurrentDirectory})");
        }
        return FromValidation(Validate(csvPath, options), DatasetValidator.ResolveRoot(csvPath, options));
    }

    /// <summary>The frame of a validation already done (e.g. after printing its problems); throws if it has errors.</summary>
    public static DatasetFrame FromValidation(DatasetValidation validation, string datasetRoot)
    {
        ThrowIfInvalid(validation);
        return new DatasetFrame(validation.Source, Path.GetFullPath(datasetRoot), validation);
    }

    /// <summary>Validates rows made in code, exactly as if they had been read from a CSV file.</summary>
    /// <param name="checkValidationRetrieval">See <see cref="DatasetLoadOptions.CheckValidationRetrieval"/>.</param>
    public static DatasetFrame FromRows(IReadOnlyCollection<DatasetRow> rows, string datasetRoot, bool checkFilesExist = true, bool checkValidationRetrieval = true)
    {
        var table = CsvTable.Parse(DatasetCsv.ToCsvText(rows), "rows");
        var options = new DatasetLoadOptions { DatasetRoot = datasetRoot, CheckFilesExist = checkFilesExist, CheckValidationRetrieval = checkValidationRetrieval };
        return FromValidation(DatasetValidator.Validate(table, options), datasetRoot);
    }

    /// <summary>All problems of a CSV file, without throwing (what <c>oml dataset check</c> prints).</summary>
    public static DatasetValidation Validate(string csvPath, DatasetLoadOptions? options = null) =>
        DatasetValidator.Validate(CsvTable.Load(csvPath), options ?? new DatasetLoadOptions());

    private static void ThrowIfInvalid(DatasetValidation validation)
    {
        var errors = validation.Errors.ToArray();
        if (errors.Length == 0) return;
        var noun = errors.Length == 1 ? "problem" : "problems";
        throw new OmlException(
            $"{validation.Source} is not a valid OML dataframe: {errors.Length} {noun} (rows are numbered as in a spreadsheet, the header is row 1)",
            errors.Select(e => e.ToString()).ToArray());
    }
}
