using Oml.Data.Sources;
using SkiaSharp;

namespace Oml.Tests.Data.Sources;

public sealed class FashionMnistImporterTests
{
    [Fact]
    public void OpenSplitPutsClasses0To4InTrainAnd5To9InValidationFromBothFiles()
    {
        using var temp = new TempDirectory();
        IdxTestFiles.WriteFashionMnist(temp.File("src"));
        var result = FashionMnistImporter.Import(temp.File("out"), new FashionMnistOptions { SourceDirectory = temp.File("src") });

        Assert.Equal((20, 20, 5, 5), (result.TrainImages, result.ValidationImages, result.TrainClasses, result.ValidationClasses));
        var rows = CsvTable.Load(result.DataFrame).Records;
        Assert.Equal(40, rows.Count);
        Assert.All(rows, r =>
        {
            var label = int.Parse(r.Cell(0));
            var expected = label < 5 ? ("train", "", "") : ("validation", "True", "True");
            Assert.Equal(expected, (r.Cell(2), r.Cell(3), r.Cell(4)));
        });
        Assert.Equal("images/train/0/00000.png", rows[0].Cell(1));
        Assert.Equal("images/t10k/9/00009.png", rows[^1].Cell(1));
        Assert.Equal(30, rows.Count(r => r.Cell(1).StartsWith("images/train/", StringComparison.Ordinal)));
        AssertPixelsMatch(temp.File("out"), rows);
    }

    [Fact]
    public void ClosedSplitUsesTheTrainFileForTrainAndT10kForValidation()
    {
        using var temp = new TempDirectory();
        IdxTestFiles.WriteFashionMnist(temp.File("src"));
        var result = FashionMnistImporter.Import(temp.File("out"),
            new FashionMnistOptions { SourceDirectory = temp.File("src"), SplitMode = FashionMnistSplitMode.Closed });

        Assert.Equal((30, 10, 10, 10), (result.TrainImages, result.ValidationImages, result.TrainClasses, result.ValidationClasses));
        var rows = CsvTable.Load(result.DataFrame).Records;
        Assert.All(rows, r => Assert.Equal(r.Cell(1).StartsWith("images/train/", StringComparison.Ordinal) ? "train" : "validation", r.Cell(2)));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString()), rows.Where(r => r.Cell(2) == "validation").Select(r => r.Cell(0)));
        AssertPixelsMatch(temp.File("out"), rows);
    }

    [Fact]
    public void MaxPerClassKeepsTheFirstImagesOfEachClassAndWritesCategoriesAndClassNames()
    {
        using var temp = new TempDirectory();
        IdxTestFiles.WriteFashionMnist(temp.File("src"));
        var calls = new List<(int, int)>();
        var result = FashionMnistImporter.Import(temp.File("out"),
            new FashionMnistOptions { SourceDirectory = temp.File("src"), MaxPerClassPerFile = 2 }, (d, t) => calls.Add((d, t)));

        var rows = CsvTable.Load(result.DataFrame).Records;
        var fromTrain = rows.Where(r => r.Cell(1).StartsWith("images/train/", StringComparison.Ordinal)).Select(r => r.Cell(1)).ToArray();
        Assert.Equal(20, fromTrain.Length);
        Assert.All(fromTrain, p => Assert.True(int.Parse(Path.GetFileNameWithoutExtension(p)) < 20, p));
        Assert.Equal((30, 30), calls[^1]);

        var categories = CsvTable.Load(result.CsvFiles[1]);
        Assert.Equal("category", categories.Header[^1]);
        Assert.All(categories.Records, r => Assert.Equal(FashionMnistImporter.CategoryOf(int.Parse(r.Cell(0))), r.Cell(5)));
        var names = CsvTable.Load(Path.Combine(result.OutputDirectory, "labels.csv")).Records;
        Assert.Equal(("9", "Ankle boot"), (names[9].Cell(0), names[9].Cell(1)));
        Assert.Equal("T-shirt/top", names[0].Cell(1));
    }

    [Fact]
    public void SameOptionsWriteTheSameFiles()
    {
        using var temp = new TempDirectory();
        IdxTestFiles.WriteFashionMnist(temp.File("src"));
        var options = new FashionMnistOptions { SourceDirectory = temp.File("src") };
        FashionMnistImporter.Import(temp.File("a"), options);
        FashionMnistImporter.Import(temp.File("b"), options);
        foreach (var file in Directory.GetFiles(temp.File("a"), "*", SearchOption.AllDirectories))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(file.Replace(temp.File("a"), temp.File("b"))));
        }
    }

    [Fact]
    public void CountMismatchBadLabelAndMissingFolderAreUserErrors()
    {
        using var temp = new TempDirectory();
        IdxTestFiles.WriteFashionMnist(temp.File("src"));
        IdxTestFiles.WriteLabels(Path.Combine(temp.File("src"), "t10k-labels-idx1-ubyte.gz"), new byte[9]);
        var options = new FashionMnistOptions { SourceDirectory = temp.File("src") };
        var error = Assert.Throws<OmlException>(() => FashionMnistImporter.Import(temp.File("out"), options));
        Assert.Contains("t10k-images-idx3-ubyte.gz has 10 images but", error.Message);
        Assert.Contains("t10k-labels-idx1-ubyte.gz has 9 labels", error.Message);
        Assert.False(File.Exists(Path.Combine(temp.File("out"), "df.csv")));

        IdxTestFiles.WriteLabels(Path.Combine(temp.File("src"), "t10k-labels-idx1-ubyte.gz"), [0, 1, 2, 3, 4, 5, 6, 7, 8, 10]);
        Assert.Contains("label 10 at item 9", Assert.Throws<OmlException>(() => FashionMnistImporter.Import(temp.File("out"), options)).Message);

        var missing = Assert.Throws<OmlException>(() =>
            FashionMnistImporter.Import(temp.File("out"), new FashionMnistOptions { SourceDirectory = temp.File("nowhere") }));
        Assert.Contains("apt-get install dataset-fashion-mnist", missing.Message);
        Assert.Contains("--source", missing.Message);

        Assert.Contains("at least 2", Assert.Throws<OmlException>(() =>
            FashionMnistImporter.Import(temp.File("out"), options with { MaxPerClassPerFile = 1 })).Message);
    }

    [Fact]
    public void ImportsTheDebianPackageWhenInstalled()
    {
        if (!Directory.Exists(FashionMnistOptions.DefaultSourceDirectory))
        {
            Assert.Skip($"{FashionMnistOptions.DefaultSourceDirectory} is missing (apt-get install dataset-fashion-mnist)");
        }
        using var temp = new TempDirectory();
        var result = FashionMnistImporter.Import(temp.Path, new FashionMnistOptions { MaxPerClassPerFile = 20 });

        Assert.Equal((200, 200, 5, 5), (result.TrainImages, result.ValidationImages, result.TrainClasses, result.ValidationClasses));
        var rows = CsvTable.Load(result.DataFrame).Records;
        var images = IdxFile.ReadImages(Path.Combine(FashionMnistOptions.DefaultSourceDirectory, "train-images-idx3-ubyte.gz"), 28, 28);
        Assert.Equal(60000, images.Count);
        foreach (var row in rows.Where(r => r.Cell(1).StartsWith("images/train/", StringComparison.Ordinal)).Take(10))
        {
            var index = int.Parse(Path.GetFileNameWithoutExtension(row.Cell(1)));
            Assert.Equal(images.Item(index).ToArray(), ReadGrey(Path.Combine(temp.Path, row.Cell(1))));
        }
    }

    private static void AssertPixelsMatch(string root, IReadOnlyList<CsvRecord> rows)
    {
        foreach (var row in rows)
        {
            var parts = row.Cell(1).Split('/');
            var index = int.Parse(Path.GetFileNameWithoutExtension(parts[3]));
            var expected = IdxTestFiles.Pixels(parts[1] == "train" ? index : 1000 + index);
            Assert.Equal(row.Cell(0), parts[2]);
            Assert.Equal(expected, ReadGrey(Path.Combine(root, row.Cell(1))));
        }
    }

    private static byte[] ReadGrey(string png)
    {
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((28, 28), (bitmap.Width, bitmap.Height));
        var pixels = new byte[28 * 28];
        for (var y = 0; y < 28; y++)
        {
            for (var x = 0; x < 28; x++)
            {
                var c = bitmap.GetPixel(x, y);
                Assert.True(c.Red == c.Green && c.Green == c.Blue, $"{png} ({x},{y}) is not grey");
                pixels[y * 28 + x] = c.Red;
            }
        }
        return pixels;
    }
}
