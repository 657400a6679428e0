using Oml.IO;

namespace Oml.Tests.IO;

/// <summary>AtomicFile: all-or-nothing replacement of a file.</summary>
public sealed class AtomicFileTests
{
    [Fact]
    public void WritesNewAndReplacesExistingFiles()
    {
        using var dir = new TempDirectory();
        var path = dir.File("a.txt");
        AtomicFile.WriteAllText(path, "first");
        Assert.Equal("first", File.ReadAllText(path));
        AtomicFile.WriteAllBytes(path, "second"u8);
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal(["a.txt"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void AnExceptionInTheCallbackLeavesThePreviousFileAndNoTempFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("weights.pth");
        File.WriteAllText(path, "previous");
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[10_000]);
            throw new InvalidOperationException("killed half-way");
        }));
        Assert.Equal("killed half-way", e.Message);
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal(["weights.pth"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void AFailedFirstWriteLeavesNoFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("new.bin");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, _ => throw new IOException("disk full")));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void AMissingFolderIsAnOmlException()
    {
        using var dir = new TempDirectory();
        var path = dir.File(Path.Combine("no", "such", "x.bin"));
        var e = Assert.Throws<OmlException>(() => AtomicFile.WriteAllText(path, "x"));
        Assert.Contains(path, e.Message);
    }
}
