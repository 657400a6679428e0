using System.Globalization;

namespace Oml.Data;

/// <summary>
/// Checks an OML dataframe with every rule of OML's <c>check_retrieval_dataframe_format</c> and reports all problems
/// at once, each with its row, column, bad value and what is valid. Beyond OML: rows without a box are allowed next
/// to rows with boxes; duplicate paths, train labels with a single image and labels with several categories are
/// warnings; malformed rows (wrong cell count, empty path) are errors instead of crashes later; queries that cannot
/// retrieve a wrong item (every gallery item they may retrieve has their label) are a warning with counts, and a
/// validation split where every query is so (a single label) is an error, as its metrics would all be 1.0.
/// </summary>
public static class DatasetValidator
{
    private static readonly HashSet<string> MissingValues = new(StringComparer.Ordinal)
    {
        "", "nan", "NaN", "NA", "N/A", "n/a", "None", "null", "NULL", "<NA>",
    };

    public static DatasetValidation Validate(CsvTable table, DatasetLoadOptions options)
    {
        var problems = new List<DatasetProblem>();
        void Error(int row, string? column, string message) =>
            problems.Add(new DatasetProblem(DatasetProblemSeverity.Error, row, column, message));
        void Warning(int row, string? column, string message) =>
            problems.Add(new DatasetProblem(DatasetProblemSeverity.Warning, row, column, message));

        var columns = ColumnLayout.Find(table, Error);
        if (columns is null)
        {
            return new DatasetValidation(table.Source, [], problems, false, false, false);
        }

        var rows = new List<DatasetRow>();
        foreach (var record in table.Records)
        {
            var row = ParseRow(record, table.Header.Count, columns, Error);
            if (row is not null) rows.Add(row);
        }

        CheckQueriesHaveGalleries(rows, Error);
        if (options.CheckFilesExist) CheckFilesExist(rows, ResolveRoot(table.Source, options), Error);
        WarnAboutDuplicatePaths(rows, Warning);
        if (rows.Count == table.Records.Count)
        {
            // these look across rows, so a row that did not parse would make them report things that are not so
            WarnAboutAmbiguousCategories(rows, Warning);
            WarnAboutSingletonTrainLabels(rows, Warning);
            WarnAboutQueriesWithoutGroundTruth(rows, Warning);
            CheckQueriesCanBeWrong(rows, options.CheckValidationRetrieval ? Error : null, Warning);
        }

        var ordered = problems.OrderBy(p => p.Severity).ThenBy(p => p.Row).ToArray();
        return new DatasetValidation(table.Source, rows, ordered, columns.HasBoxes, columns.Category >= 0, columns.Sequence >= 0);
    }

    /// <summary>The folder relative paths resolve against: the explicit root, else the CSV's folder.</summary>
    public static string ResolveRoot(string csvPath, DatasetLoadOptions options) =>
        Path.GetFullPath(options.DatasetRoot ?? Path.GetDirectoryName(Path.GetFullPath(csvPath)) ?? ".");

    private static DatasetRow? ParseRow(CsvRecord record, int headerCount, ColumnLayout columns, Action<int, string?, string> error)
    {
        var line = record.Line;
        if (record.Cells.Count != headerCount)
        {
            error(line, null, $"has {record.Cells.Count} cells but the header has {headerCount} columns");
            return null;
        }

        var ok = true;
        var labelText = record.Cell(columns.Label);
        if (!long.TryParse(labelText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var label))
        {
            error(line, DatasetCsv.Label, $"'{labelText}' is not valid: expected an integer");
            ok = false;
        }

        var path = record.Cell(columns.Path);
        if (path.Length == 0)
        {
            error(line, DatasetCsv.Path, "is empty: expected an image path, absolute or relative to the dataset root");
            ok = false;
        }

        var splitText = record.Cell(columns.Split);
        DatasetSplit split = default;
        switch (splitText)
        {
            case "train": split = DatasetSplit.Train; break;
            case "validation": split = DatasetSplit.Validation; break;
            default:
                error(line, DatasetCsv.Split, $"'{splitText}' is not valid: expected 'train' or 'validation'");
                ok = false;
                break;
        }

        bool? isQuery = null, isGallery = null;
        if (ok || splitText is "train" or "validation")
        {
            if (split == DatasetSplit.Train)
            {
                RequireMissingOnTrain(record, columns.IsQuery, DatasetCsv.IsQuery, error, ref ok);
                RequireMissingOnTrain(record, columns.IsGallery, DatasetCsv.IsGallery, error, ref ok);
            }
            else
            {
                isQuery = ParseFlagOnValidation(record, columns.IsQuery, DatasetCsv.IsQuery, error, ref ok);
                isGallery = ParseFlagOnValidation(record, columns.IsGallery, DatasetCsv.IsGallery, error, ref ok);
                if (isQuery == false && isGallery == false)
                {
                    error(line, null, "is_query and is_gallery are both False: a validation row must be a query, a gallery item or both");
                    ok = false;
                }
            }
        }

        var box = columns.HasBoxes ? ParseBox(record, columns, error, ref ok) : null;
        var category = OptionalText(record, columns.Category);
        var sequence = OptionalText(record, columns.Sequence);

        if (!ok) return null;
        return new DatasetRow(label, path, split, isQuery, isGallery)
        {
            Box = box,
            Category = category,
            Sequence = sequence,
            RowNumber = line,
        };
    }

    private static string? OptionalText(CsvRecord record, int column)
    {
        if (column < 0) return null;
        var text = record.Cell(column);
        return MissingValues.Contains(text) ? null : text;
    }

    private static void RequireMissingOnTrain(CsvRecord record, int column, string name, Action<int, string?, string> error, ref bool ok)
    {
        var text = record.Cell(column);
        if (MissingValues.Contains(text)) return;
        error(record.Line, name, $"'{text}' is not valid on a train row: expected an empty cell (train rows are neither queries nor galleries)");
        ok = false;
    }

    private static bool? ParseFlagOnValidation(CsvRecord record, int column, string name, Action<int, string?, string> error, ref bool ok)
    {
        var text = record.Cell(column);
        switch (text)
        {
            case "True" or "true" or "TRUE" or "1" or "1.0": return true;
            case "False" or "false" or "FALSE" or "0" or "0.0": return false;
        }
        var shown = text.Length == 0 ? "an empty cell" : $"'{text}'";
        error(record.Line, name, $"{shown} is not valid on a validation row: expected True or False");
        ok = false;
        return null;
    }

    private static BoundingBox? ParseBox(CsvRecord record, ColumnLayout columns, Action<int, string?, string> error, ref bool ok)
    {
        var texts = columns.Boxes.Select(record.Cell).ToArray();
        var missing = texts.Select(t => MissingValues.Contains(t)).ToArray();
        if (missing.All(m => m)) return null;
        if (missing.Any(m => m))
        {
            var empty = DatasetCsv.BoxColumns.Where((_, i) => missing[i]);
            error(record.Line, null, $"the box is incomplete: {string.Join(", ", empty)} empty; give all of x_1, x_2, y_1, y_2 or leave all four empty (no box)");
            ok = false;
            return null;
        }

        var values = new int[4];
        var parsed = true;
        for (var i = 0; i < 4; i++)
        {
            if (!double.TryParse(texts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v != Math.Floor(v) || Math.Abs(v) > int.MaxValue)
            {
                error(record.Line, DatasetCsv.BoxColumns[i], $"'{texts[i]}' is not valid: expected a whole number of pixels");
                parsed = false;
                continue;
            }
            values[i] = (int)v;
            if (v < 0)
            {
                error(record.Line, DatasetCsv.BoxColumns[i], $"{texts[i]} is not valid: box coordinates must be >= 0");
                parsed = false;
            }
        }
        if (!parsed)
        {
            ok = false;
            return null;
        }

        var box = new BoundingBox(values[0], values[1], values[2], values[3]);
        if (box.X1 >= box.X2)
        {
            error(record.Line, DatasetCsv.X2, $"x_1={box.X1}, x_2={box.X2} is not valid: expected x_1 < x_2 (x_2 is exclusive)");
            ok = false;
        }
        if (box.Y1 >= box.Y2)
        {
            error(record.Line, DatasetCsv.Y2, $"y_1={box.Y1}, y_2={box.Y2} is not valid: expected y_1 < y_2 (y_2 is exclusive)");
            ok = false;
        }
        return box;
    }

    private static void CheckQueriesHaveGalleries(List<DatasetRow> rows, Action<int, string?, string> error)
    {
        var galleryLabels = rows.Where(r => r.IsGallery == true).Select(r => r.Label).ToHashSet();
        foreach (var group in rows.Where(r => r.IsQuery == true && !galleryLabels.Contains(r.Label)).GroupBy(r => r.Label))
        {
            var first = group.First();
            error(first.RowNumber, DatasetCsv.Label,
                $"label {group.Key} has {Count(group.Count(), "query", "queries")} ({RowList(group)}) but no gallery item: every query label must also appear with is_gallery=True");
        }
    }

    private static void CheckFilesExist(List<DatasetRow> rows, string root, Action<int, string?, string> error)
    {
        var missing = new bool[rows.Count];
        Parallel.For(0, rows.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            missing[i] = !File.Exists(Path.Combine(root, rows[i].Path));
        });
        for (var i = 0; i < rows.Count; i++)
        {
            if (missing[i])
            {
                error(rows[i].RowNumber, DatasetCsv.Path, $"'{rows[i].Path}': file not found (looked at {Path.Combine(root, rows[i].Path)}; relative paths are relative to the dataset root {root})");
            }
        }
    }

    private static void WarnAboutDuplicatePaths(List<DatasetRow> rows, Action<int, string?, string> warning)
    {
        foreach (var group in rows.GroupBy(r => r.Path, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var first = group.First();
            warning(first.RowNumber, DatasetCsv.Path,
                $"'{group.Key}' appears in {group.Count()} rows ({RowList(group)}); duplicated images are not excluded from their own retrieval results");
        }
    }

    private static void WarnAboutAmbiguousCategories(List<DatasetRow> rows, Action<int, string?, string> warning)
    {
        foreach (var group in rows.Where(r => r.Category is not null).GroupBy(r => r.Label))
        {
            var categories = group.Select(r => r.Category!).Distinct(StringComparer.Ordinal).ToArray();
            if (categories.Length < 2) continue;
            var last = group.Last().Category;
            warning(group.First().RowNumber, DatasetCsv.Category,
                $"label {group.Key} has several categories ({string.Join(", ", categories.Select(c => $"'{c}'"))}); the last one, '{last}', is used (as OML does)");
        }
    }

    private static void WarnAboutSingletonTrainLabels(List<DatasetRow> rows, Action<int, string?, string> warning)
    {
        foreach (var group in rows.Where(r => r.Split == DatasetSplit.Train).GroupBy(r => r.Label).Where(g => g.Count() == 1))
        {
            warning(group.First().RowNumber, DatasetCsv.Label,
                $"train label {group.Key} has a single image; the balance samplers need at least 2 per label (remove it or add images)");
        }
    }

    private static void WarnAboutQueriesWithoutGroundTruth(List<DatasetRow> rows, Action<int, string?, string> warning)
    {
        var validation = rows.Where(r => r.Split == DatasetSplit.Validation).ToArray();
        var galleriesPerLabel = validation.Where(r => r.IsGallery == true).GroupBy(r => r.Label).ToDictionary(g => g.Key, g => g.Count());
        var orphans = validation
            .Where(r => r.IsQuery == true)
            .Where(q => galleriesPerLabel.TryGetValue(q.Label, out var galleries) && galleries - (q.IsGallery == true ? 1 : 0) == 0)
            .GroupBy(q => q.Label);
        foreach (var group in orphans)
        {
            warning(group.First().RowNumber, DatasetCsv.Label,
                $"validation label {group.Key}: {Count(group.Count(), "query has", "queries have")} no other gallery item of the same label ({RowList(group)}); such queries have no ground truth and are reported apart by the metrics");
        }
    }

    /// <summary>
    /// Queries with no possible wrong answer: every gallery item they may retrieve (all but themselves and, with a
    /// <c>sequence</c> column, the items of their sequence, as the retrieval excludes them) has their label, so any
    /// model ranks them perfectly. A warning with counts when some are; when all queries with a ground truth are, an
    /// error (<paramref name="error"/>; a warning when null): the metrics would be 1.0 whatever the model.
    /// </summary>
    private static void CheckQueriesCanBeWrong(List<DatasetRow> rows, Action<int, string?, string>? error, Action<int, string?, string> warning)
    {
        var validation = rows.Where(r => r.Split == DatasetSplit.Validation).ToArray();
        var queries = validation.Where(r => r.IsQuery == true).ToArray();
        if (queries.Length == 0) return;
        var galleries = validation.Where(r => r.IsGallery == true).ToArray();
        var perLabel = galleries.GroupBy(r => r.Label).ToDictionary(g => g.Key, g => g.Count());
        var perSequence = galleries.Where(r => r.Sequence is not null).GroupBy(r => r.Sequence!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var perSequenceLabel = galleries.Where(r => r.Sequence is not null).GroupBy(r => (r.Sequence!, r.Label)).ToDictionary(g => g.Key, g => g.Count());

        var trivial = new List<DatasetRow>();
        var withGroundTruth = 0;
        foreach (var query in queries)
        {
            var self = query.IsGallery == true ? 1 : 0;
            int excluded, excludedSameLabel;
            if (query.Sequence is { } sequence)
            {
                excluded = perSequence.GetValueOrDefault(sequence);
                excludedSameLabel = perSequenceLabel.GetValueOrDefault((sequence, query.Label));
            }
            else
            {
                excluded = excludedSameLabel = self;
            }
            var candidates = galleries.Length - excluded;
            var sameLabel = perLabel.GetValueOrDefault(query.Label) - excludedSameLabel;
            if (sameLabel <= 0) continue; // no ground truth: reported by WarnAboutQueriesWithoutGroundTruth
            withGroundTruth++;
            if (sameLabel == candidates) trivial.Add(query);
        }
        if (trivial.Count == 0) return;

        var labels = trivial.GroupBy(q => q.Label).Select(g => $"{g.Key} ({g.Count()})").ToArray();
        var labelList = string.Join(", ", labels.Take(10)) + (labels.Length > 10 ? $", ... {labels.Length - 10} more" : "");
        var validationLabels = validation.Select(r => r.Label).Distinct().ToArray();
        if (trivial.Count == withGroundTruth)
        {
            var why = validationLabels.Length == 1
                ? $"the validation split has a single label, {validationLabels[0]}: every query ({queries.Length}) retrieves only items of its own label"
                : $"all {Count(trivial.Count, "query", "queries")} with a ground truth can retrieve only items of their own label (labels {labelList})";
            (error ?? warning)(trivial[0].RowNumber, DatasetCsv.Label,
                $"{why}, so every retrieval metric (cmc, precision, map) would be 1.0 whatever the model; " +
                "add validation rows of other labels (at least 2 labels in the gallery)");
            return;
        }
        warning(trivial[0].RowNumber, DatasetCsv.Label,
            $"{trivial.Count} of {queries.Length} validation queries have no possible wrong answer: every gallery item they can retrieve " +
            $"has their label (label (queries): {labelList}; {RowList(trivial)}); they count as correct whatever the model, which lifts cmc, precision and map");
    }

    private static string Count(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n} {many}";

    private static string RowList(IEnumerable<DatasetRow> rows)
    {
        var numbers = rows.Select(r => r.RowNumber).ToArray();
        var shown = string.Join(", ", numbers.Take(10));
        return (numbers.Length == 1 ? "row " : "rows ") + shown + (numbers.Length > 10 ? $", ... {numbers.Length - 10} more" : "");
    }

    /// <summary>Where the known columns are in the header.</summary>
    private sealed record ColumnLayout(int Label, int Path, int Split, int IsQuery, int IsGallery, int[] Boxes, int Category, int Sequence)
    {
        public bool HasBoxes => Boxes.Length == 4;

        public static ColumnLayout? Find(CsvTable table, Action<int, string?, string> error)
        {
            if (table.Header is [var only] && (only.Contains(';') || only.Contains('\t')))
            {
                var separator = only.Contains(';') ? "';'" : "tabs";
                error(0, null, $"the header is a single column, '{(only.Length > 80 ? only[..80] + "..." : only)}': an OML dataframe is comma-separated, this file looks separated by {separator}");
                return null;
            }
            var ok = true;
            foreach (var duplicate in table.Header.GroupBy(h => h).Where(g => g.Count() > 1))
            {
                error(0, duplicate.Key, $"the header names column '{duplicate.Key}' {duplicate.Count()} times");
                ok = false;
            }

            int Required(string name, string meaning)
            {
                var index = table.ColumnIndex(name);
                if (index < 0)
                {
                    error(0, name, $"the obligatory column is missing ({meaning}); the header has: {string.Join(", ", table.Header)}");
                    ok = false;
                }
                return index;
            }

            var label = Required(DatasetCsv.Label, "integer identity of the object");
            var split = Required(DatasetCsv.Split, "'train' or 'validation'");
            var isQuery = Required(DatasetCsv.IsQuery, "True/False on validation rows, empty on train rows");
            var isGallery = Required(DatasetCsv.IsGallery, "True/False on validation rows, empty on train rows");
            var path = table.ColumnIndex(DatasetCsv.Path);
            if (path < 0)
            {
                var why = table.ColumnIndex("text") >= 0 ? "this dataframe has a 'text' column: text datasets are not supported, only images" : "image path, absolute or relative to the dataset root";
                error(0, DatasetCsv.Path, $"the column is missing ({why})");
                ok = false;
            }

            var boxes = DatasetCsv.BoxColumns.Select(table.ColumnIndex).ToArray();
            var present = boxes.Count(b => b >= 0);
            if (present is > 0 and < 4)
            {
                var missing = DatasetCsv.BoxColumns.Where((_, i) => boxes[i] < 0);
                error(0, null, $"found {present} of the 4 box columns; missing {string.Join(", ", missing)} (give all of x_1, x_2, y_1, y_2 or none)");
                ok = false;
            }

            return ok
                ? new ColumnLayout(label, path, split, isQuery, isGallery, present == 4 ? boxes : [], table.ColumnIndex(DatasetCsv.Category), table.ColumnIndex(DatasetCsv.Sequence))
                : null;
        }
    }
}
