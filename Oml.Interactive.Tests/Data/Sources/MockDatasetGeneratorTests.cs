using Oml.Data.Sources;
using SkiaSharp;

namespace Oml.Tests.Data.Sources;

public sealed class MockDatasetGeneratorTests
{
    [Fact]
    public void SameSeedGivesByteIdenticalFilesAndAnotherSeedDifferentImages()
    {
        using var temp = new TempDirectory();
        var options = new MockDatasetOptions { Classes = 4, PerClass = 3, Size = 48, Seed = 7 };
        MockDatasetGenerator.Generate(temp.File("a"), options);
        MockDatasetGenerator.Generate(temp.File("b"), options);
        MockDatasetGenerator.Generate(temp.File("c"), options with { Seed = 8 });

        var a = ReadAll(temp.File("a"));
        var b = ReadAll(temp.File("b"));
        var c = ReadAll(temp.File("c"));
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        Assert.Equal(4 * 3 + 5, a.Count); // images, three dataframes, labels.csv, marker
        foreach (var (name, bytes) in a) Assert.True(bytes.SequenceEqual(b[name]), $"{name} differs between two runs with one seed");

        var images = a.Keys.Where(k => k.StartsWith("images/", StringComparison.Ordinal)).ToArray();
        Assert.All(images, name => Assert.False(a[name].SequenceEqual(c[name]), $"{name} is the same for seeds 7 and 8"));
        Assert.True(a["df.csv"].SequenceEqual(c["df.csv"]), "the plain dataframe does not depend on the seed");
        Assert.False(a["df_with_bboxes.csv"].SequenceEqual(c["df_with_bboxes.csv"]));
    }

    [Fact]
    public void DefaultDatasetHasDisjointClassesInTwoSplitsWithOmlColumns()
    {
        using var temp = new TempDirectory();
        var result = MockDatasetGenerator.Generate(temp.Path);

        Assert.Equal((48, 48, 4, 4), (result.TrainImages, result.ValidationImages, result.TrainClasses, result.ValidationClasses));
        Assert.Equal(Path.Combine(temp.Path, "df.csv"), result.DataFrame);
        Assert.Empty(result.Warnings);

        var table = CsvTable.Load(result.DataFrame);
        Assert.Equal(["label", "path", "split", "is_query", "is_gallery"], table.Header);
        var train = table.Records.Where(r => r.Cell(2) == "train").ToArray();
        var validation = table.Records.Where(r => r.Cell(2) == "validation").ToArray();
        Assert.Equal(48, train.Length);
        Assert.Equal(48, validation.Length);
        Assert.All(train, r => Assert.Equal(("", ""), (r.Cell(3), r.Cell(4))));
        Assert.All(validation, r => Assert.Equal(("True", "True"), (r.Cell(3), r.Cell(4))));

        var trainLabels = train.Select(r => int.Parse(r.Cell(0))).ToHashSet();
        var validationLabels = validation.Select(r => int.Parse(r.Cell(0))).ToHashSet();
        Assert.Equal([0, 1, 2, 3], trainLabels.Order());
        Assert.Equal([4, 5, 6, 7], validationLabels.Order());
        Assert.All(train.Concat(validation).GroupBy(r => r.Cell(0)), g => Assert.Equal(12, g.Count()));

        Assert.Equal("images/triangle_1.jpg", table.Records[0].Cell(1));
        Assert.All(table.Records, r => Assert.True(File.Exists(Path.Combine(temp.Path, r.Cell(1))), r.Cell(1)));
        Assert.Equal(96, table.Records.Select(r => r.Cell(1)).Distinct().Count());

        var labels = CsvTable.Load(Path.Combine(temp.Path, "labels.csv"));
        Assert.Equal(["label", "class_name"], labels.Header);
        Assert.Equal(8, labels.Records.Count);
        Assert.Equal(("0", "triangle"), (labels.Records[0].Cell(0), labels.Records[0].Cell(1)));
    }

    [Fact]
    public void EveryImageDecodesAtTheRequestedSize()
    {
        using var temp = new TempDirectory();
        var result = MockDatasetGenerator.Generate(temp.Path, new MockDatasetOptions { Classes = 6, PerClass = 2, Size = 40 });
        var table = CsvTable.Load(result.DataFrame);
        Assert.Equal(12, table.Records.Count);
        foreach (var row in table.Records)
        {
            using var bitmap = SKBitmap.Decode(Path.Combine(temp.Path, row.Cell(1)));
            Assert.NotNull(bitmap);
            Assert.Equal((40, 40), (bitmap.Width, bitmap.Height));
        }
    }

    [Fact]
    public void BoxesAreInsideTheImageAndNotEmpty()
    {
        using var temp = new TempDirectory();
        var result = MockDatasetGenerator.Generate(temp.Path, new MockDatasetOptions { Classes = 16, PerClass = 4, Size = 64 });
        var table = CsvTable.Load(Path.Combine(temp.Path, "df_with_bboxes.csv"));
        Assert.Equal(["label", "path", "split", "is_query", "is_gallery", "x_1", "x_2", "y_1", "y_2"], table.Header);
        Assert.Equal(result.TotalImages, table.Records.Count);
        foreach (var row in table.Records)
        {
            var box = new BoundingBox(int.Parse(row.Cell(5)), int.Parse(row.Cell(6)), int.Parse(row.Cell(7)), int.Parse(row.Cell(8)));
            Assert.True(box.FitsIn(64, 64), $"{row.Cell(1)}: {box}");
            // the smallest shape has radius 0.2 * size; even a thin ellipse stays wider than a few pixels
            Assert.True(box.Width >= 8 && box.Height >= 8, $"{row.Cell(1)}: {box}");
        }
    }

    [Fact]
    public void CategoryDataFrameHasAtLeastTwoCategoriesPerSplit()
    {
        using var temp = new TempDirectory();
        MockDatasetGenerator.Generate(temp.Path);
        var table = CsvTable.Load(Path.Combine(temp.Path, "df_with_category.csv"));
        Assert.Equal("category", table.Header[^1]);
        foreach (var split in table.Records.GroupBy(r => r.Cell(2)))
        {
            Assert.True(split.Select(r => r.Cell(5)).Distinct().Count() >= 2, $"split {split.Key} has one category");
        }
        // one category per label
        Assert.All(table.Records.GroupBy(r => r.Cell(0)), g => Assert.Single(g.Select(r => r.Cell(5)).Distinct()));
    }

    [Fact]
    public void InstancesOfOneClassVaryInColour()
    {
        using var temp = new TempDirectory();
        MockDatasetGenerator.Generate(temp.Path, new MockDatasetOptions { Classes = 4, PerClass = 10 });
        var means = Directory.GetFiles(Path.Combine(temp.Path, "images"), "circle_*.jpg").Select(MeanRgb).ToArray();
        Assert.Equal(10, means.Length);
        for (var channel = 0; channel < 3; channel++)
        {
            var values = means.Select(m => m[channel]).ToArray();
            Assert.True(values.Max() - values.Min() > 40, $"channel {channel} mean varies only {values.Max() - values.Min():F1}");
        }
    }

    [Fact]
    public void MeanColourIsNoShortcutToTheClass()
    {
        using var temp = new TempDirectory();
        var result = MockDatasetGenerator.Generate(temp.Path);
        var rows = CsvTable.Load(result.DataFrame).Records;
        var labels = rows.Select(r => r.Cell(0)).ToArray();
        var features = rows.Select(r => MeanRgb(Path.Combine(temp.Path, r.Cell(1)))).ToArray();

        // leave-one-out nearest neighbour on the mean colour
        var correct = 0;
        for (var i = 0; i < features.Length; i++)
        {
            var nearest = Enumerable.Range(0, features.Length).Where(j => j != i)
                .MinBy(j => Enumerable.Range(0, 3).Sum(c => Math.Pow(features[i][c] - features[j][c], 2)));
            if (labels[nearest] == labels[i]) correct++;
        }
        var accuracy = (double)correct / features.Length;
        Assert.True(accuracy < 0.5, $"1-NN on mean RGB reaches {accuracy:P0} (8 classes, chance 12.5%)");
    }

    [Fact]
    public void DefaultGenerationReportsProgress()
    {
        using var temp = new TempDirectory();
        var calls = new List<(int Done, int Total)>();
        MockDatasetGenerator.Generate(temp.Path, progress: (done, total) => calls.Add((done, total)));
        Assert.Equal((0, 96), calls[0]);
        Assert.Equal((96, 96), calls[^1]);
        Assert.Equal(97, calls.Count);
        Assert.Equal(Enumerable.Range(0, 97), calls.Select(c => c.Done));
    }

    [Fact]
    public void RefusesAFolderWithForeignFilesButRegeneratesAPreviousMockDataset()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("notes.txt"), "mine");
        var error = Assert.Throws<OmlException>(() => MockDatasetGenerator.Generate(temp.Path));
        Assert.Contains(temp.Path, error.Message);
        Assert.Contains("not empty", error.Message);
        Assert.Equal("mine", File.ReadAllText(temp.File("notes.txt")));

        var folder = temp.File("mock");
        MockDatasetGenerator.Generate(folder, new MockDatasetOptions { Classes = 6, PerClass = 3 });
        MockDatasetGenerator.Generate(folder, new MockDatasetOptions { Classes = 4, PerClass = 2 });
        Assert.Equal(8, Directory.GetFiles(Path.Combine(folder, "images")).Length);
        Assert.Equal(8, CsvTable.Load(Path.Combine(folder, "df.csv")).Records.Count);
    }

    [Theory]
    [InlineData(3, 12, 64, "classes = 3")]
    [InlineData(78, 12, 64, "between 4 and 77")]
    [InlineData(8, 1, 64, "per_class = 1")]
    [InlineData(8, 12, 31, "size = 31")]
    [InlineData(8, 12, 1025, "between 32 and 1024")]
    public void InvalidOptionsSayWhatIsValid(int classes, int perClass, int size, string expected)
    {
        using var temp = new TempDirectory();
        var options = new MockDatasetOptions { Classes = classes, PerClass = perClass, Size = size };
        var error = Assert.Throws<OmlException>(() => MockDatasetGenerator.Generate(temp.File("x"), options));
        Assert.Contains(expected, error.Message);
        Assert.False(Directory.Exists(temp.File("x")), "nothing is written for invalid options");
    }

    internal static double[] MeanRgb(string path)
    {
        using var bitmap = SKBitmap.Decode(path);
        double r = 0, g = 0, b = 0;
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                r += c.Red;
                g += c.Green;
                b += c.Blue;
            }
        }
        var n = bitmap.Width * bitmap.Height;
        return [r / n, g / n, b / n];
    }

    private static Dictionary<string, byte[]> ReadAll(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllBytes);
}
