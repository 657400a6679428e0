using Oml.Data.Sources;
using SkiaSharp;

namespace Oml.Tests.Data.Sources;

public sealed class FolderDatasetImporterTests
{
    [Fact]
    public void LabelsFollowSortedClassNamesAndPathsAreRelativeToTheOutputFolder()
    {
        using var temp = new TempDirectory();
        var root = temp.File("photos");
        AddImages(root, "dog", "a.png", "b.PNG");
        AddImages(root, "cat", "x.jpg", "sub/deeper/y.JPG", "sub/z.jpeg");
        AddImages(root, "emu", "e1.webp", "e2.bmp");
        AddImages(root, "fox", "f1.gif", "f2.png");
        AddFile(root, "fox/notes.txt");

        var result = FolderDatasetImporter.Import(root, temp.File("out"));

        Assert.Equal(temp.File("out"), result.OutputDirectory);
        Assert.Equal((2, 2), (result.TrainClasses, result.ValidationClasses));
        Assert.Equal(9, result.TotalImages);
        Assert.Empty(result.Warnings);

        var rows = CsvTable.Load(result.DataFrame).Records;
        Assert.Equal(["label", "path", "split", "is_query", "is_gallery"], CsvTable.Load(result.DataFrame).Header);
        var byClass = rows.GroupBy(r => r.Cell(1).Split('/')[2]).ToDictionary(g => g.Key, g => g.ToArray());
        Assert.Equal(["cat", "dog", "emu", "fox"], byClass.Keys.Order());
        Assert.All(byClass["cat"], r => Assert.Equal("0", r.Cell(0)));
        Assert.All(byClass["fox"], r => Assert.Equal("3", r.Cell(0)));
        Assert.Equal(["../photos/cat/sub/deeper/y.JPG", "../photos/cat/sub/z.jpeg", "../photos/cat/x.jpg"],
            byClass["cat"].Select(r => r.Cell(1)).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.True(File.Exists(Path.Combine(temp.File("out"), r.Cell(1))), r.Cell(1)));

        // a split is per class, and validation rows are queries and gallery
        Assert.All(byClass.Values, g => Assert.Single(g.Select(r => r.Cell(2)).Distinct()));
        Assert.All(rows, r => Assert.Equal(r.Cell(2) == "train" ? ("", "") : ("True", "True"), (r.Cell(3), r.Cell(4))));
        Assert.Equal(2, rows.Where(r => r.Cell(2) == "validation").Select(r => r.Cell(0)).Distinct().Count());

        var names = CsvTable.Load(Path.Combine(temp.File("out"), "labels.csv")).Records;
        Assert.Equal(["0,cat", "1,dog", "2,emu", "3,fox"], names.Select(r => r.Cell(0) + "," + r.Cell(1)));
    }

    [Fact]
    public void TheValidationClassesDependOnlyOnTheSeedAndTheFraction()
    {
        using var temp = new TempDirectory();
        var root = temp.File("root");
        for (var c = 0; c < 10; c++) AddImages(root, $"class{c}", "1.png", "2.png");

        string[] ValidationClasses(int seed, double fraction, string output)
        {
            var result = FolderDatasetImporter.Import(root, temp.File(output),
                new FolderDatasetOptions { Seed = seed, ValidationClassFraction = fraction });
            Assert.Equal(((int)Math.Round(fraction * 10), 10 - (int)Math.Round(fraction * 10)), (result.ValidationClasses, result.TrainClasses));
            return CsvTable.Load(result.DataFrame).Records.Where(r => r.Cell(2) == "validation")
                .Select(r => r.Cell(0)).Distinct().Order().ToArray();
        }

        var first = ValidationClasses(3, 0.5, "a");
        Assert.Equal(5, first.Length);
        Assert.Equal(first, ValidationClasses(3, 0.5, "b"));
        Assert.Equal(3, ValidationClasses(3, 0.3, "c").Length);
        Assert.Equal(8, ValidationClasses(3, 0.8, "d").Length);
        var distinct = Enumerable.Range(0, 8).Select(seed => string.Join(",", ValidationClasses(seed, 0.5, $"s{seed}"))).Distinct().Count();
        Assert.True(distinct >= 4, $"8 seeds chose only {distinct} different validation sets");
    }

    [Fact]
    public void EmptyClassesLooseImagesAndSingleImageClassesAreReportedAsWarnings()
    {
        using var temp = new TempDirectory();
        var root = temp.File("root");
        AddImages(root, "ant", "1.png", "2.png");
        AddImages(root, "bee", "1.png");
        AddImages(root, "cow", "1.png", "2.png");
        AddImages(root, "doe", "1.png", "2.png");
        AddImages(root, "eel", "1.png");
        AddFile(root, "empty/readme.txt");
        AddImages(root, ".cache", "hidden.png");
        AddImages(root, "", "loose.jpg");

        var result = FolderDatasetImporter.Import(root, null, new FolderDatasetOptions { ValidationClassFraction = 0.4 });

        Assert.Equal(root, result.OutputDirectory);
        Assert.Equal(5, result.TrainClasses + result.ValidationClasses);
        Assert.Equal(8, result.TotalImages);
        Assert.Contains(result.Warnings, w => w.Contains("'empty' has no images"));
        Assert.Contains(result.Warnings, w => w.Contains("1 image(s) directly in"));
        Assert.Contains(result.Warnings, w => w.Contains("'bee' (label 1) has 1 image"));
        Assert.Contains(result.Warnings, w => w.Contains("'eel' (label 4) has 1 image"));
        Assert.Equal(4, result.Warnings.Count);
        Assert.DoesNotContain(CsvTable.Load(result.DataFrame).Records, r => r.Cell(1).Contains("cache") || r.Cell(1).Contains("loose"));
        Assert.Equal("ant/1.png", CsvTable.Load(result.DataFrame).Records[0].Cell(1));

        // re-importing into the root ignores the dataframes written there and an output folder inside the root
        var again = FolderDatasetImporter.Import(root, Path.Combine(root, "oml"));
        Assert.Equal(8, again.TotalImages);
        Assert.Equal("../ant/1.png", CsvTable.Load(again.DataFrame).Records[0].Cell(1));
    }

    [Fact]
    public void UserErrorsSayWhatWouldBeValid()
    {
        using var temp = new TempDirectory();
        var missing = Assert.Throws<OmlException>(() => FolderDatasetImporter.Import(temp.File("none")));
        Assert.Contains("folder not found", missing.Message);

        Directory.CreateDirectory(temp.File("flat"));
        AddImages(temp.File("flat"), "", "a.jpg");
        Assert.Contains("no class folders", Assert.Throws<OmlException>(() => FolderDatasetImporter.Import(temp.File("flat"))).Message);

        var root = temp.File("three");
        foreach (var name in new[] { "a", "b", "c" }) AddImages(root, name, "1.png", "2.png");
        AddFile(root, "d/x.txt");
        var few = Assert.Throws<OmlException>(() => FolderDatasetImporter.Import(root));
        Assert.Contains("3 class folder(s) with images", few.Message);
        Assert.Contains("1 train and 2 validation", few.Message);
        Assert.Contains(few.Details, d => d.Contains("'d' has no images"));
        Assert.False(File.Exists(Path.Combine(root, "df.csv")));

        Assert.Contains("strictly between 0 and 1", Assert.Throws<OmlException>(() =>
            FolderDatasetImporter.Import(root, options: new FolderDatasetOptions { ValidationClassFraction = 1 })).Message);
    }

    private static void AddImages(string root, string className, params string[] files)
    {
        using var bitmap = new SKBitmap(4, 4);
        bitmap.Erase(SKColors.Orange);
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        foreach (var file in files)
        {
            var path = Path.Combine(root, className, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, png.ToArray());
        }
    }

    private static void AddFile(string root, string relative)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "not an image");
    }
}
