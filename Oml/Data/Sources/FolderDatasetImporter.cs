using Oml.IO;
namespace Oml.Data.Sources;

/// <summary>
/// Turns a class-per-folder tree (<c>root/&lt;class&gt;/**/*.jpg</c>; images in nested folders belong to the top-level
/// class folder) into an OML <c>df.csv</c> plus <c>labels.csv</c> (<c>label,class_name</c>). Images are not copied:
/// paths are relative to the output folder, so that folder is the <c>dataset_root</c>. Labels number the class
/// folders in ordinal name order; a seeded shuffle of those names picks the validation classes
/// (<c>is_query = is_gallery = True</c>), the rest are train classes.
/// </summary>
public static class FolderDatasetImporter
{
    public const string DataFrameFile = "df.csv";

    public static IReadOnlySet<string> ImageExtensions { get; } =
        new HashSet<string>([".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"], StringComparer.OrdinalIgnoreCase);

    private static readonly EnumerationOptions AllImages = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        MatchCasing = MatchCasing.CaseInsensitive,
    };

    private sealed record ClassFolder(string Name, IReadOnlyList<string> Images);

    /// <param name="root">The folder with one subfolder per class (hidden folders and the output folder are ignored).</param>
    /// <param name="outputDirectory">Where <c>df.csv</c> and <c>labels.csv</c> go; null for <paramref name="root"/>.</param>
    /// <param name="options">Null for the defaults (half of the classes in validation, seed 0).</param>
    /// <param name="progress">Called with (class folders scanned, class folders).</param>
    public static DatasetSourceResult Import(
        string root, string? outputDirectory = null, FolderDatasetOptions? options = null, Action<int, int>? progress = null)
    {
        options ??= new FolderDatasetOptions();
        options.Validate();
        var rootPath = Path.GetFullPath(root);
        var outputPath = Path.GetFullPath(outputDirectory ?? root);
        if (!Directory.Exists(rootPath))
        {
            throw new OmlException($"{rootPath}: folder not found; expected a folder with one subfolder of images per class");
        }
        return OutputLocation.InFolder(outputPath, "out-dir",
            () => OutputLocation.Writing("out-dir", () => ScanAndWrite(rootPath, outputPath, options, progress)));
    }

    private static DatasetSourceResult ScanAndWrite(string rootPath, string outputPath, FolderDatasetOptions options, Action<int, int>? progress)
    {

        var warnings = new List<string>();
        var classes = ScanClasses(rootPath, outputPath, warnings, progress);
        var validationNames = PickValidationClasses(rootPath, classes, options, warnings);

        var rows = new List<DatasetRow>();
        for (var label = 0; label < classes.Count; label++)
        {
            var folder = classes[label];
            var validation = validationNames.Contains(folder.Name);
            if (folder.Images.Count == 1)
            {
                warnings.Add(validation
                    ? $"validation class '{folder.Name}' (label {label}) has 1 image: as a query it has no other image to retrieve"
                    : $"train class '{folder.Name}' (label {label}) has 1 image; samplers need at least 2 images of a class");
            }
            foreach (var image in folder.Images)
            {
                var path = Path.GetRelativePath(outputPath, image).Replace(Path.DirectorySeparatorChar, '/');
                rows.Add(validation ? DatasetRow.Validation(label, path) : DatasetRow.Train(label, path));
            }
        }

        var dataFrame = Path.Combine(outputPath, DataFrameFile);
        DatasetCsv.Write(dataFrame, rows);
        LabelNamesCsv.Write(outputPath, classes.Select((c, label) => ((long)label, c.Name)));

        return new DatasetSourceResult(
            outputPath,
            [dataFrame],
            TrainImages: rows.Count(r => r.Split == DatasetSplit.Train),
            ValidationImages: rows.Count(r => r.Split == DatasetSplit.Validation),
            TrainClasses: classes.Count - validationNames.Count,
            ValidationClasses: validationNames.Count,
            Warnings: warnings);
    }

    /// <summary>Class folders with at least one image, in ordinal name order; empty ones become warnings.</summary>
    private static List<ClassFolder> ScanClasses(string root, string output, List<string> warnings, Action<int, int>? progress)
    {
        var folders = new DirectoryInfo(root).EnumerateDirectories()
            .Where(d => !d.Name.StartsWith('.') && !SamePath(d.FullName, output))
            .Select(d => d.FullName)
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (folders.Length == 0)
        {
            throw new OmlException($"{root}: no class folders; expected {root}/<class name>/<images> " +
                                   $"with images ending in {string.Join(", ", ImageExtensions)}");
        }

        var loose = Directory.EnumerateFiles(root).Count(IsImage);
        if (loose > 0) warnings.Add($"{loose} image(s) directly in {root} ignored: they are in no class folder");

        var classes = new List<ClassFolder>();
        var counter = new ProgressCounter(folders.Length, progress);
        counter.Start();
        foreach (var folder in folders)
        {
            var images = Directory.EnumerateFiles(folder, "*", AllImages).Where(IsImage).Order(StringComparer.Ordinal).ToArray();
            var name = Path.GetFileName(folder);
            if (images.Length == 0)
            {
                warnings.Add($"class folder '{name}' has no images ({string.Join(", ", ImageExtensions)}); skipped");
            }
            else
            {
                classes.Add(new ClassFolder(name, images));
            }
            counter.Step();
        }
        return classes;
    }

    private static HashSet<string> PickValidationClasses(string root, List<ClassFolder> classes, FolderDatasetOptions options, List<string> warnings)
    {
        var validationCount = (int)Math.Round(options.ValidationClassFraction * classes.Count, MidpointRounding.AwayFromZero);
        var trainCount = classes.Count - validationCount;
        if (trainCount < 2 || validationCount < 2)
        {
            throw new OmlException(
                $"{root}: {classes.Count} class folder(s) with images; val-classes = {options.ValidationClassFraction} gives " +
                $"{trainCount} train and {validationCount} validation class(es), but each split needs at least 2 " +
                "(add class folders or change val-classes)", warnings);
        }

        // An explicit Fisher-Yates, so the chosen classes do not depend on how a runtime implements Random.Shuffle.
        var names = classes.Select(c => c.Name).ToArray();
        var rng = new Random(options.Seed);
        for (var i = names.Length - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (names[i], names[j]) = (names[j], names[i]);
        }
        return names.Take(validationCount).ToHashSet(StringComparer.Ordinal);
    }

    private static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path));

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(a), Path.TrimEndingDirectorySeparator(b), StringComparison.Ordinal);
}
