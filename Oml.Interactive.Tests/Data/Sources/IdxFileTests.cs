using Oml.Data.Sources;

namespace Oml.Tests.Data.Sources;

public sealed class IdxFileTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReadsImagesAndLabelsGzippedOrPlain(bool gzip)
    {
        using var temp = new TempDirectory();
        IdxTestFiles.WriteImages(temp.Sub("i"), [IdxTestFiles.Pixels(0), IdxTestFiles.Pixels(1), IdxTestFiles.Pixels(2)], gzip: gzip);
        IdxTestFiles.WriteLabels(temp.Sub("l"), [7, 0, 9], gzip: gzip);

        var images = IdxFile.ReadImages(temp.Sub("i"), 28, 28);
        var labels = IdxFile.ReadLabels(temp.Sub("l"));
        Assert.Equal([3, 28, 28], images.Dimensions);
        Assert.Equal((3, 784), (images.Count, images.ItemSize));
        Assert.Equal(IdxTestFiles.Pixels(1), images.Item(1).ToArray());
        Assert.Equal([7, 0, 9], labels.Data);
        Assert.Equal(1, labels.ItemSize);
    }

    [Fact]
    public void WrongMagicNamesTheFileAndTheExpectedMagic()
    {
        using var temp = new TempDirectory();
        IdxTestFiles.WriteLabels(temp.Sub("labels.gz"), [1, 2]);
        var error = Assert.Throws<OmlException>(() => IdxFile.ReadImages(temp.Sub("labels.gz"), 28, 28));
        Assert.Contains(temp.Sub("labels.gz"), error.Message);
        Assert.Contains("0x00000801 is not 0x00000803", error.Message);
        Assert.Contains("swapped", error.Message);

        IdxTestFiles.Write(temp.Sub("junk"), 0x12345678, [1], [0]);
        Assert.Contains("0x12345678", Assert.Throws<OmlException>(() => IdxFile.ReadLabels(temp.Sub("junk"))).Message);
    }

    [Fact]
    public void TruncatedOrOverlongDataIsAnError()
    {
        using var temp = new TempDirectory();
        IdxTestFiles.Write(temp.Sub("short"), 0x00000803, [2, 28, 28], new byte[2 * 784 - 5]);
        var error = Assert.Throws<OmlException>(() => IdxFile.ReadImages(temp.Sub("short"), 28, 28));
        Assert.Contains(temp.Sub("short"), error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("1568", error.Message);
        Assert.Contains("1563", error.Message);

        IdxTestFiles.Write(temp.Sub("long"), 0x00000801, [2], [1, 2, 3]);
        Assert.Contains("1 unexpected bytes", Assert.Throws<OmlException>(() => IdxFile.ReadLabels(temp.Sub("long"))).Message);

        File.WriteAllBytes(temp.Sub("header"), [0, 0, 8, 3, 0, 0]);
        Assert.Contains("truncated header", Assert.Throws<OmlException>(() => IdxFile.ReadImages(temp.Sub("header"), 28, 28)).Message);
    }

    [Fact]
    public void DamagedGzipAndWrongImageSizeAndMissingFileAreErrors()
    {
        using var temp = new TempDirectory();
        IdxTestFiles.WriteLabels(temp.Sub("l.gz"), Enumerable.Repeat((byte)3, 5000).ToArray());
        var bytes = File.ReadAllBytes(temp.Sub("l.gz"));
        File.WriteAllBytes(temp.Sub("cut.gz"), bytes[..(bytes.Length / 2)]);
        Assert.Throws<OmlException>(() => IdxFile.ReadLabels(temp.Sub("cut.gz")));

        IdxTestFiles.Write(temp.Sub("small"), 0x00000803, [1, 8, 8], new byte[64]);
        Assert.Contains("8x8 pixels; expected 28x28", Assert.Throws<OmlException>(() => IdxFile.ReadImages(temp.Sub("small"), 28, 28)).Message);

        Assert.Contains("file not found", Assert.Throws<OmlException>(() => IdxFile.ReadLabels(temp.Sub("none"))).Message);
    }
}
