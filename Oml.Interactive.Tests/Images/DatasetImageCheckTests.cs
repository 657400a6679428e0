using Oml.Images;

namespace Oml.Tests.Images;

/// <summary><c>oml dataset check --images</c> in process: a truncated file has a good header, so only decoding finds it.</summary>
public sealed class DatasetImageCheckTests : TempDirectoryTest
{
    /// <summary>
    /// A df.csv of 8 PNGs of 40x30 (2 train, 2 validation labels x 2) in <paramref name="dir"/>; the image of
    /// <paramref name="truncatedRow"/> (spreadsheet row) keeps only its first half. Returns the CSV's path.
    /// </summary>
    internal static string WritePngDataset(TempDirectory dir, int? truncatedRow = null)
    {
        var lines = new List<string> { "label,path,split,is_query,is_gallery" };
        for (var i = 0; i < 8; i++)
        {
            using var image = ImageFixtures.Photo(40, 30, seed: i + 1);
            var bytes = ImageEncoding.EncodePng(image);
            var row = i + 2;
            if (row == truncatedRow) bytes = bytes[..(bytes.Length / 2)];
            var path = $"img/{i}.png";
            File.WriteAllBytes(dir.File(path), bytes);
            lines.Add(i < 4 ? $"{i / 2},{path},train,," : $"{i / 2},{path},validation,True,True");
        }
        return dir.Write("df.csv", string.Join("\n", lines) + "\n");
    }

    [Fact]
    public void ATruncatedPngIsFoundByDecodingNotByItsHeader()
    {
        Directory.CreateDirectory(Dir.File("img"));
        var frame = DatasetFrame.Load(WritePngDataset(Dir, truncatedRow: 7));

        var problem = Assert.Single(DatasetImageCheck.Run(frame));
        Assert.Equal((7, "path"), (problem.Row, problem.Column));
        Assert.Contains("img/5.png", problem.Message);
        Assert.Contains("truncated", problem.Message);

        Assert.Empty(DatasetImageCheck.Run(frame, headersOnly: true));
    }

    [Fact]
    public void ThePixelLimitNamesTheConfigKeyAndTheCommandLineOption()
    {
        Directory.CreateDirectory(Dir.File("img"));
        var frame = DatasetFrame.Load(WritePngDataset(Dir));
        var problems = DatasetImageCheck.Run(frame, new ImageDecoder(maxPixels: 1000), headersOnly: true);
        Assert.Equal(8, problems.Count);
        Assert.Contains("40x30 = 1,200 pixels, over the limit of 1,000", problems[0].Message);
        Assert.Contains("max_image_pixels: 1200 in the config", problems[0].Message);
        Assert.Contains("--max-pixels 1200 for oml dataset check", problems[0].Message);

        Assert.Empty(DatasetImageCheck.Run(frame, new ImageDecoder(maxPixels: 1200)));
    }

    [Fact]
    public void APipelineScopeSetsTheDecoderOfReadersMadeInIt()
    {
        var limited = new ImageDecoder(maxPixels: 5);
        Assert.Same(ImageDecoder.Default, ImageDecoder.Current);
        using (ImageDecoder.Use(limited))
        {
            Assert.Same(limited, new ImageReader().Decoder);
            using (ImageDecoder.Use(ImageDecoder.Default)) Assert.Same(ImageDecoder.Default, new ImageReader().Decoder);
            Assert.Same(limited, ImageDecoder.Current);
        }
        Assert.Same(ImageDecoder.Default, new ImageReader().Decoder);
    }
}
