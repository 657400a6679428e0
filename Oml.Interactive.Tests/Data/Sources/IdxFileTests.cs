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
        IdxTestFiles.WriteImages(temp.File("i"), [IdxTestFiles.Pixels(0), IdxTestFiles.Pixels(1), IdxTestFiles.Pixels(2)], gzip: gzip);
        IdxTestFiles.WriteLabels(temp.File("l"), [7, 0, 9], gzip: gzip);

        var images = IdxFile.ReadImages(temp.File("i"), 28, 28);
        var labels = IdxFile.ReadLabels(temp.File("l"));
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
        IdxTestFiles.WriteLabels(temp.File("labels.gz"), [1, 2]);
        var error = Assert.Throws<OmlException>(() => IdxFile.ReadImages(temp.File("labels.gz"), 28, 28));
        Assert.Contains(temp.File("labels.gz"), error.Message);
        Assert.Contains("0x00000801 is not 0x00000803", error.Message);
        Assert.Contains("swapped", error.Message);

        IdxTestFiles.Write(temp.File("junk"), 0x12345678, [1], [0]);
        Assert.Contains("0x12345678", Assert.Throws<OmlException>(() => IdxFile.ReadLabels(temp.File("junk"))).Message);
    }

    [Fact]
    public void TruncatedOrOverlongDataIsAnError()
    {
        using var temp = new TempDirectory();
        IdxTestFiles.Write(temp.File("short"), 0x00000803, [2, 28, 28], new byte[2 * 784 - 5]);
        var error = Assert.Throws<OmlException>(() => IdxFile.ReadImages(temp.File("short"), 28, 28));
        Assert.Contains(temp.File("short"), error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("1568", error.Message);
        Assert.Contains("1563", error.Message);

        IdxTestFiles.Write(temp.File("long"), 0x00000801, [2], [1, 2, 3]);
        Assert.Contains("1 unexpected bytes", Assert.Throws<OmlException>(() => IdxFile.ReadLabels(temp.File("long"))).Message);

        File.WriteAllBytes(temp.File("header"), [0, 0, 8, 3, 0, 0]);
        Assert.Contains("truncated header", Assert.Throws<OmlException>(() => IdxFile.ReadImages(temp.File("header"), 28, 28)).Message);
    }

    [Fact]
    public void DamagedGzipAndWrongImageSizeAndMissingFileAreErrors()
    {
        using var temp = new TempDirectory();
        IdxTestFiles.WriteLabels(temp.File("l.gz"), Enumerable.Repeat((byte)3, 5000).ToArray());
        var bytes = File.ReadAllBytes(temp.File("l.gz"));
        File.WriteAllBytes(temp.File("cut.gz"), bytes[..(bytes.Length / 2)]);
        Assert.Throws<OmlException>(() => IdxFile.ReadLabels(temp.File("cut.gz")));

        IdxTestFiles.Write(temp.File("small"), 0x00000803, [1, 8, 8], new byte[64]);
        Assert.Contains("8x8 pixels; expected 28x28", Assert.Throws<OmlException>(() => IdxFile.ReadImages(temp.File("small"), 28, 28)).Message);

        Assert.Contains("file not found", Assert.Throws<OmlException>(() => IdxFile.ReadLabels(temp.File("none"))).Message);
    }
}
