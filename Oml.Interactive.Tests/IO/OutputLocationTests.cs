using Oml.IO;

namespace Oml.Tests.IO;

/// <summary>
/// OutputLocation: output folders are made and checked before a pipeline's work, and what is wrong with them (or with a
/// write later) is one message naming the key, the path and the problem.
/// </summary>
public sealed class OutputLocationTests : TempDirectoryTest
{
    private static IOException NoSpaceLeft(string path) => new($"No space left on device : '{path}'", 28);

    [Fact]
    public void AMissingFolderIsMadeAndTheTopmostFolderMadeIsReturned()
    {
        var folder = Dir.File(Path.Combine("a", "b", "c"));
        Assert.Equal(Dir.File("a"), OutputLocation.PrepareFolder(folder, "save_dir"));
        Assert.True(Directory.Exists(folder));
        Assert.Empty(Directory.GetFileSystemEntries(folder)); // the write test leaves nothing
        Assert.Null(OutputLocation.PrepareFolder(folder, "save_dir"));
    }

    [Fact]
    public void AFileWhereTheFolderShouldBeIsNamed()
    {
        var file = Dir.Write("out.txt", "x");
        var error = Assert.Throws<OmlException>(() => OutputLocation.PrepareFolder(file, "save_dir"));
        Assert.Equal($"save_dir: {file} is a file, not a folder; set save_dir to a folder (it is made if missing)", error.Message);

        error = Assert.Throws<OmlException>(() => OutputLocation.PrepareFolder(Path.Combine(file, "run"), "logs_root/logs_folder"));
        Assert.Equal($"logs_root/logs_folder: {file} is a file, so {Path.Combine(file, "run")} cannot be made in it; " +
                     "set logs_root/logs_folder to a folder (it is made if missing)", error.Message);

        error = Assert.Throws<OmlException>(() => OutputLocation.PrepareFile(Path.Combine(file, "metrics.json"), "--out"));
        Assert.Equal($"--out: {file} is a file, so {Path.Combine(file, "metrics.json")} cannot be made in it; give --out a path in a folder (it is made if missing)", error.Message);
    }

    [Fact]
    public void AFolderWhereTheFileShouldBeIsNamed()
    {
        var error = Assert.Throws<OmlException>(() => OutputLocation.PrepareFile(Dir.Path, "--out"));
        Assert.Equal($"--out: {Dir.Path} is a folder, not a file; give the path of the file to write (it may be in that folder)", error.Message);
    }

    [Fact]
    public void AReadOnlyLocationIsNamedBeforeAnythingIsWritten()
    {
        var folder = Path.Combine(UnwritableFolder.In(Dir), "run");
        var error = Assert.Throws<OmlException>(() => OutputLocation.PrepareFolder(folder, "logs_root/logs_folder"));
        Assert.Equal($"logs_root/logs_folder: cannot create the folder {folder}: permission denied (the location is read-only or belongs to another user); " +
                     "set logs_root/logs_folder to a folder you can write to", error.Message);

        error = Assert.Throws<OmlException>(() => OutputLocation.PrepareFile(Path.Combine(folder, "metrics.json"), "--out"));
        Assert.StartsWith($"--out: cannot create the folder {folder} for {Path.Combine(folder, "metrics.json")}: permission denied", error.Message);
        Assert.EndsWith("; set --out to a file in a folder you can write to", error.Message);
    }

    [Fact]
    public void AFullDiskSaysWhichDeviceAndWhatToChange()
    {
        var checkpoints = Directory.CreateDirectory(Dir.File("checkpoints")).FullName;
        var file = Path.Combine(checkpoints, "last.ckpt");
        var error = OutputLocation.WriteFailure(file, NoSpaceLeft(file));
        Assert.Equal($"cannot write {file}: no space left on the device holding {checkpoints}; free some space and run again", error.Message);

        var named = Assert.Throws<OmlException>(() => OutputLocation.Writing("save_dir", () => throw OutputLocation.WriteFailure(file, NoSpaceLeft(file))));
        Assert.Equal($"save_dir: cannot write {file}: no space left on the device holding {checkpoints}; free some space, or set save_dir to a folder on another disk",
            named.Message);

        var quota = new IOException("Disk quota exceeded", 122);
        Assert.Equal($"no space left on the device holding {checkpoints}", OutputLocation.Reason(quota, file));
    }

    [Fact]
    public void FailuresOfParallelWritesAreNamedWithTheirPath()
    {
        var file = Dir.File("x.png");
        var error = Assert.Throws<OmlException>(() => OutputLocation.Writing("out-dir", () => Parallel.For(0, 4, _ => throw NoSpaceLeft(file))));
        Assert.Equal($"out-dir: cannot write {file}: no space left on the device holding {Dir.Path}; free some space, or set out-dir to a folder on another disk", error.Message);
        Assert.Throws<InvalidOperationException>(() => OutputLocation.Writing("out-dir", () => throw new InvalidOperationException("a bug stays a bug")));
    }

    [Fact]
    public void OtherFailuresOfTheFileSystemAreSaidInWords()
    {
        var file = Dir.File("x.bin");
        Assert.Equal("the file system is read-only", OutputLocation.Reason(new IOException("Read-only file system", 30), file));
        Assert.Equal("a part of the path is a file, not a folder", OutputLocation.Reason(new IOException("Not a directory", 20), file));
        Assert.StartsWith("permission denied", OutputLocation.Reason(new UnauthorizedAccessException("Access to the path is denied."), file));

        Assert.Equal("Access to the path '/x' is denied (permission denied: the location is read-only or belongs to another user)",
            OutputLocation.DescribeUnnamedFailure(new UnauthorizedAccessException("Access to the path '/x' is denied.")));
        Assert.Equal("No space left on device : '/x' (no space left on the device: free some space and run again)", OutputLocation.DescribeUnnamedFailure(NoSpaceLeft("/x")));
        Assert.Null(OutputLocation.DescribeUnnamedFailure(new FileNotFoundException("gone")));
        Assert.Null(OutputLocation.DescribeUnnamedFailure(new InvalidOperationException("a bug")));
    }

    [Fact]
    public void WhatWasMadeIsRemovedAndWhatWasThereIsKept()
    {
        var kept = Directory.CreateDirectory(Dir.File("logs")).FullName;
        File.WriteAllText(Path.Combine(kept, "other-run.txt"), "x");
        var run = Path.Combine(kept, "mock", "run");
        var made = OutputLocation.PrepareFolder(run, "logs_root/logs_folder");
        Assert.Equal(Path.Combine(kept, "mock"), made);
        File.WriteAllText(Path.Combine(run, "config.yaml"), "x");

        OutputLocation.RemoveCreated(run, made, recursive: true);
        Assert.False(Directory.Exists(Path.Combine(kept, "mock")));
        Assert.True(File.Exists(Path.Combine(kept, "other-run.txt")));

        // a folder that was there is never removed, only what was made inside it
        OutputLocation.RemoveCreated(kept, Path.Combine(kept, "made-later"), recursive: true);
        Assert.True(File.Exists(Path.Combine(kept, "other-run.txt")));
        OutputLocation.RemoveCreated(kept, null, recursive: true);
        Assert.True(Directory.Exists(kept));
    }
}
