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
        var e = Assert.Throws<OmlException>(() => AtomicFile.Write(path, _ => throw new IOException("disk full")));
        Assert.Equal($"cannot write {path}: disk full", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void AFullDiskIsAUserErrorThatKeepsThePreviousFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("last.ckpt");
        File.WriteAllText(path, "previous");
        var e = Assert.Throws<OmlException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[10_000]);
            throw new IOException($"No space left on device : '{path}'", 28); // what .NET throws on ENOSPC
        }));
        Assert.Equal($"cannot write {path}: no space left on the device holding {dir.Path} (the previous file is unchanged); free some space and run again", e.Message);
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal(["last.ckpt"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void LeftoversOfKilledWritesAreRemovedAndNothingElse()
    {
        using var dir = new TempDirectory();
        dir.Write("last.ckpt", "complete");
        dir.Write($"{AtomicFile.TempPrefix}last.ckpt.0123abcd.tmp", "half");
        dir.Write($"{AtomicFile.TempPrefix}best.ckpt.4567.tmp", "half");
        dir.Write("notes.tmp", "mine");
        Assert.Equal([$"{AtomicFile.TempPrefix}best.ckpt.4567.tmp", $"{AtomicFile.TempPrefix}last.ckpt.0123abcd.tmp"], AtomicFile.RemoveLeftovers(dir.Path));
        Assert.Equal(["last.ckpt", "notes.tmp"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(AtomicFile.RemoveLeftovers(dir.File("missing")));
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
