using System.Globalization;
using Oml.IO;

namespace Oml.Data.Sources;

/// <summary>
/// Generates a small image dataset in OML format, offline and deterministic for a seed: coloured shapes on
/// cluttered backgrounds (class = shape, see <see cref="MockShapeCatalog"/>), the first half of the classes in
/// the train split and the second half in the validation split (<c>is_query = is_gallery = True</c>).
/// Writes <c>images/&lt;class&gt;_&lt;i&gt;.jpg</c>, <c>df.csv</c>, <c>df_with_bboxes.csv</c>,
/// <c>df_with_category.csv</c> and <c>labels.csv</c>. This replaces OML's downloaded mock dataset.
/// </summary>
public static class MockDatasetGenerator
{
    public const string ImagesFolder = "images";
    public const string DataFrameFile = "df.csv";
    public const string BoxesDataFrameFile = "df_with_bboxes.csv";
    public const string CategoryDataFrameFile = "df_with_category.csv";

    /// <summary>Marks a folder as written by this generator, so that regenerating into it may replace its files.</summary>
    public const string MarkerFile = ".oml-mock-dataset";

    private sealed record Job(int Label, MockShapeClass Shape, int Index, int Seed, DatasetSplit Split)
    {
        public string RelativePath => $"{ImagesFolder}/{Shape.Name}_{Index}.jpg";
    }

    /// <param name="outputDirectory">Created if missing. Must be empty or a previous mock dataset.</param>
    /// <param name="options">Null for the defaults (8 classes x 12 images of 64 px, seed 0).</param>
    /// <param name="progress">Called with (images done, total), one call at a time, possibly from worker threads.</param>
    public static DatasetSourceResult Generate(string outputDirectory, MockDatasetOptions? options = null, Action<int, int>? progress = null)
    {
        options ??= new MockDatasetOptions();
        options.Validate();
        var root = Path.GetFullPath(outputDirectory);
        return OutputLocation.Writing(OutputKey, () => Write(root, options, progress));
    }

    /// <summary>How messages name the output folder (the CLI's argument).</summary>
    private const string OutputKey = "out-dir";

    private static DatasetSourceResult Write(string root, MockDatasetOptions options, Action<int, int>? progress)
    {
        PrepareFolder(root, options);

        var jobs = PlanJobs(options);
        var boxes = new BoundingBox[jobs.Count];
        var counter = new ProgressCounter(jobs.Count, progress);
        counter.Start();
        Parallel.For(0, jobs.Count, i =>
        {
            var job = jobs[i];
            var image = MockImageRenderer.Render(job.Shape, options.Size, job.Seed);
            File.WriteAllBytes(Path.Combine(root, job.RelativePath), image.Jpeg);
            boxes[i] = image.Box;
            counter.Step();
        });

        var plain = jobs.Select(ToRow).ToArray();
        var withBoxes = plain.Select((row, i) => row with { Box = boxes[i] }).ToArray();
        var withCategory = plain.Select((row, i) => row with { Category = jobs[i].Shape.Category }).ToArray();
        var csvFiles = new[] { DataFrameFile, BoxesDataFrameFile, CategoryDataFrameFile }.Select(f => Path.Combine(root, f)).ToArray();
        DatasetCsv.Write(csvFiles[0], plain);
        DatasetCsv.Write(csvFiles[1], withBoxes);
        DatasetCsv.Write(csvFiles[2], withCategory);
        LabelNamesCsv.Write(root, jobs.Where(j => j.Index == 1).Select(j => ((long)j.Label, j.Shape.Name)));
        File.WriteAllText(Path.Combine(root, MarkerFile), MarkerText(options)); // last: only a complete dataset is marked with its options

        var trainClasses = options.Classes / 2;
        return new DatasetSourceResult(
            root,
            csvFiles,
            TrainImages: trainClasses * options.PerClass,
            ValidationImages: (options.Classes - trainClasses) * options.PerClass,
            TrainClasses: trainClasses,
            ValidationClasses: options.Classes - trainClasses,
            Warnings: []);
    }

    private static DatasetRow ToRow(Job job) => job.Split == DatasetSplit.Train
        ? DatasetRow.Train(job.Label, job.RelativePath)
        : DatasetRow.Validation(job.Label, job.RelativePath);

    /// <summary>Every image with its own seed, drawn in a fixed order from one generator so that threads cannot change them.</summary>
    private static List<Job> PlanJobs(MockDatasetOptions options)
    {
        var rng = new Random(options.Seed);
        var trainClasses = options.Classes / 2;
        var jobs = new List<Job>(options.Classes * options.PerClass);
        for (var label = 0; label < options.Classes; label++)
        {
            var split = label < trainClasses ? DatasetSplit.Train : DatasetSplit.Validation;
            for (var i = 1; i <= options.PerClass; i++)
            {
                jobs.Add(new Job(label, MockShapeCatalog.Classes[label], i, rng.Next(), split));
            }
        }
        return jobs;
    }

    private static void PrepareFolder(string root, MockDatasetOptions options)
    {
        var marker = Path.Combine(root, MarkerFile);
        if (File.Exists(root)) throw new OmlException($"{root}: is a file; the mock dataset needs a new or empty folder");
        OutputLocation.PrepareFolder(root, OutputKey);
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            if (!File.Exists(marker))
            {
                throw new OmlException(
                    $"{root}: the folder is not empty and is not a mock dataset written before (no {MarkerFile} file); " +
                    "choose a new or empty folder, so that no files of yours are replaced");
            }
            var images = Path.Combine(root, ImagesFolder);
            if (Directory.Exists(images)) Directory.Delete(images, recursive: true);
        }
        Directory.CreateDirectory(Path.Combine(root, ImagesFolder));
        File.WriteAllText(marker, "incomplete\n");
    }

    private static string MarkerText(MockDatasetOptions options) => string.Create(CultureInfo.InvariantCulture,
        $"classes={options.Classes} per_class={options.PerClass} size={options.Size} seed={options.Seed}\n");

    /// <summary>Whether <paramref name="outputDirectory"/> already holds a complete mock dataset made with <paramref name="options"/>.</summary>
    public static bool Exists(string outputDirectory, MockDatasetOptions? options = null)
    {
        options ??= new MockDatasetOptions();
        var marker = Path.Combine(outputDirectory, MarkerFile);
        return File.Exists(marker) && File.ReadAllText(marker) == MarkerText(options)
               && new[] { DataFrameFile, BoxesDataFrameFile, CategoryDataFrameFile }.All(f => File.Exists(Path.Combine(outputDirectory, f)));
    }
}
