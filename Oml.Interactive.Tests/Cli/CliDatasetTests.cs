namespace Oml.Tests.Cli;

/// <summary>The dataset verbs of the real <c>oml</c> process, end to end.</summary>
public sealed class CliDatasetTests : TempDirectoryTest
{
    /// <summary>The output with line breaks (the console wraps long messages) as spaces.</summary>
    private static string Flat(string output) => System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");

    [Fact]
    public void MockDatasetIsValidByDatasetCheck()
    {
        var made = CliRunner.Run(Dir.Path, "dataset", "mock", "mock", "--classes", "6", "--per-class", "5", "--seed", "3");
        Assert.Equal(0, made.ExitCode);
        Assert.Contains("30 images (15 train, 15 validation; 3 + 3 classes)", made.Output);

        foreach (var csv in new[] { "df.csv", "df_with_bboxes.csv", "df_with_category.csv" })
        {
            var check = CliRunner.Run(Dir.Path, "dataset", "check", Path.Combine("mock", csv));
            Assert.True(check.ExitCode == 0, check.All);
            Assert.Contains("valid", check.Output);
            Assert.DoesNotContain("warning", check.Output);
        }

        var frame = DatasetFrame.Load(Dir.File("mock/df_with_bboxes.csv"));
        Assert.Equal(30, frame.Rows.Count);
        Assert.All(frame.Rows, r => Assert.NotNull(r.Box));
        Assert.Empty(frame.Train.Select(r => r.Path).Intersect(frame.Validation.Select(r => r.Path)));
        Assert.All(frame.Validation, r => Assert.True(r.IsQuery == true && r.IsGallery == true));
    }

    [Fact]
    public void IfAbsentKeepsACompleteMockDatasetWithTheSameOptionsOnly()
    {
        string[] args = ["dataset", "mock", "mock", "--classes", "4", "--per-class", "3", "--size", "32", "--if-absent"];
        Assert.Equal(0, CliRunner.Run(Dir.Path, args).ExitCode);
        var written = File.GetLastWriteTimeUtc(Dir.File("mock/df.csv"));

        var again = CliRunner.Run(Dir.Path, args);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already holds this mock dataset", again.Output);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Dir.File("mock/df.csv")));

        // other options, or an interrupted earlier run (marker not final), regenerate
        var bigger = CliRunner.Run(Dir.Path, [.. args[..6], "4", .. args[7..]]);
        Assert.Equal(0, bigger.ExitCode);
        Assert.Contains("16 images", bigger.Output);
        File.WriteAllText(Dir.File("mock/.oml-mock-dataset"), "incomplete\n");
        Assert.DoesNotContain("already holds", CliRunner.Run(Dir.Path, [.. args[..6], "4", .. args[7..]]).Output);
    }

    [Fact]
    public void CheckWithImagesFindsABoxOutsideItsImage()
    {
        Assert.Equal(0, CliRunner.Run(Dir.Path, "dataset", "mock", "mock", "--classes", "4", "--per-class", "3").ExitCode);
        var ok = CliRunner.Run(Dir.Path, "dataset", "check", "mock/df_with_bboxes.csv", "--images");
        Assert.True(ok.ExitCode == 0, ok.All);
        Assert.Contains("decoded 12 images in full", ok.Output);

        var lines = File.ReadAllLines(Dir.File("mock/df_with_bboxes.csv"));
        var cells = lines[3].Split(',');
        cells[^3] = "65"; // x_2 of row 4, one past the 64 px image
        lines[3] = string.Join(',', cells);
        File.WriteAllLines(Dir.File("mock/df_with_bboxes.csv"), lines);

        var bad = CliRunner.Run(Dir.Path, "dataset", "check", "mock/df_with_bboxes.csv", "--images");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("row 4, column 'x_2': the box (", bad.Output);
        Assert.Contains("does not fit in the 64x64 image", bad.Output);
    }

    [Fact]
    public void CheckWithImagesDecodesEveryImageSoATruncatedPngIsNotValid()
    {
        Directory.CreateDirectory(Dir.File("img"));
        Images.DatasetImageCheckTests.WritePngDataset(Dir, truncatedRow: 7);

        var bad = CliRunner.Run(Dir.Path, "dataset", "check", "df.csv", "--images");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("row 7, column 'path': Cannot decode image", Flat(bad.Output));
        Assert.Contains("the file is truncated", Flat(bad.Output));
        Assert.Contains("not valid: 1 image problem", bad.Output);
        Assert.DoesNotContain("\nvalid", bad.Output);

        // headers only: quicker, and it says what it did not read
        var quick = CliRunner.Run(Dir.Path, "dataset", "check", "df.csv", "--images", "--headers-only");
        Assert.True(quick.ExitCode == 0, quick.All);
        Assert.Contains("read 8 image headers (not their pixels", Flat(quick.Output));

        var help = CliRunner.Run(Dir.Path, "dataset", "check", "--help");
        Assert.Contains("decode every image in full", Flat(help.Output));
        Assert.Contains("--headers-only", help.Output);
        Assert.Contains("--max-pixels", help.Output);
    }

    [Fact]
    public void CheckWithImagesTakesThePixelLimit()
    {
        Directory.CreateDirectory(Dir.File("img"));
        Images.DatasetImageCheckTests.WritePngDataset(Dir);

        var over = CliRunner.Run(Dir.Path, "dataset", "check", "df.csv", "--images", "--max-pixels", "1000");
        Assert.Equal(2, over.ExitCode);
        Assert.Contains("over the limit of 1,000", Flat(over.Output));
        Assert.Contains("max_image_pixels: 1200 in the config", Flat(over.Output));
        Assert.Contains("--max-pixels 1200 for oml dataset check", Flat(over.Output));

        var within = CliRunner.Run(Dir.Path, "dataset", "check", "df.csv", "--images", "--max-pixels", "1200");
        Assert.True(within.ExitCode == 0, within.All);
        Assert.Contains("at most 1,200 pixels", Flat(within.Output));

        var alone = CliRunner.Run(Dir.Path, "dataset", "check", "df.csv", "--max-pixels", "1200");
        Assert.Equal(2, alone.ExitCode);
        Assert.Contains("--max-pixels needs --images", Flat(alone.All));
        var zero = CliRunner.Run(Dir.Path, "dataset", "check", "df.csv", "--images", "--max-pixels", "0");
        Assert.Equal(2, zero.ExitCode);
        Assert.Contains("expected a positive number of pixels", Flat(zero.All));
    }

    [Fact]
    public void ASingleLabelValidationSplitIsNotValid()
    {
        Directory.CreateDirectory(Dir.File("img"));
        var csv = Images.DatasetImageCheckTests.WritePngDataset(Dir);
        File.WriteAllText(csv, File.ReadAllText(csv).Replace("3,img/", "2,img/", StringComparison.Ordinal));

        var check = CliRunner.Run(Dir.Path, "dataset", "check", "df.csv");
        Assert.Equal(2, check.ExitCode);
        Assert.Contains("the validation split has a single label, 2", Flat(check.Output));
        Assert.Contains("would be 1.0 whatever the model", Flat(check.Output));
        Assert.Contains("not valid: 1 error", check.Output);
    }

    [Fact]
    public void BadMockOptionsAreAUserError()
    {
        var result = CliRunner.Run(Dir.Path, "dataset", "mock", "mock", "--classes", "3");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("classes = 3: must be between 4 and", result.All);
        Assert.DoesNotContain("   at ", result.All);
    }

    [Fact]
    public void FolderImportWritesACheckableFrame()
    {
        var images = Dir.File("tree");
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC");
        foreach (var cls in new[] { "ant", "bee", "cat", "dog" })
        {
            for (var i = 0; i < 3; i++)
            {
                Directory.CreateDirectory(Path.Combine(images, cls));
                File.WriteAllBytes(Path.Combine(images, cls, $"{i}.png"), png);
            }
        }
        var result = CliRunner.Run(Dir.Path, "dataset", "import", "folder", "tree", "out", "--val-classes", "0.5");
        Assert.True(result.ExitCode == 0, result.All);
        var check = CliRunner.Run(Dir.Path, "dataset", "check", "out/df.csv");
        Assert.True(check.ExitCode == 0, check.All);
        var frame = DatasetFrame.Load(Dir.File("out/df.csv"));
        Assert.Equal((6, 6), (frame.Train.Count, frame.Validation.Count));
    }

    [Fact]
    public void FashionMnistImportFromAMissingSourceSaysHowToGetIt()
    {
        var result = CliRunner.Run(Dir.Path, "dataset", "import", "fashion-mnist", "out", "--source", Dir.File("none"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("apt-get install dataset-fashion-mnist", result.All);
    }

    [Fact]
    public void FashionMnistImportOfTheDebianPackage()
    {
        if (!Directory.Exists("/usr/share/datasets/fashion-mnist")) Assert.Skip("dataset-fashion-mnist is not installed");
        var result = CliRunner.Run(Dir.Path, "dataset", "import", "fashion-mnist", "fm", "--max-per-class", "3");
        Assert.True(result.ExitCode == 0, result.All);
        var frame = DatasetFrame.Load(Dir.File("fm/df.csv"));
        // open split: classes 0-4 train, 5-9 validation; 3 per class from each of the two files
        Assert.Equal((30, 30), (frame.Train.Count, frame.Validation.Count));
        Assert.Equal([5L, 6, 7, 8, 9], frame.Validation.Select(r => r.Label).Distinct().Order());
    }
}
