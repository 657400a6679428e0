namespace Oml.IO;

/// <summary>
/// Writes a file so that readers (and a later run after a crash) see either the old content or the complete new
/// content, never a half-written file: the content goes to a temporary file in the same folder, is flushed to
/// disk, and then renamed over the target. When the write callback throws, the temporary file is deleted and the
/// previous file stays as it was; a failure of the file system (no space left, permission denied) is an
/// <see cref="OmlException"/> naming the file and what is wrong.
/// </summary>
public static class AtomicFile
{
    /// <summary>Prefix of the temporary files (hidden on Unix); they end with <c>.tmp</c>.</summary>
    public const string TempPrefix = ".oml-tmp-";

    public static void Write(string path, Action<Stream> write) => Write(path, write, verify: null);

    /// <summary>
    /// <see cref="Write(string, Action{Stream})"/> that first hands the complete temporary file to <paramref name="verify"/>
    /// (e.g. to load it back); when that throws, the target is left as it was.
    /// </summary>
    public static void Write(string path, Action<Stream> write, Action<string>? verify)
    {
        ArgumentNullException.ThrowIfNull(write);
        WriteFile(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            write(stream);
            stream.Flush(flushToDisk: true);
        }, verify);
    }

    /// <summary>
    /// The same for a writer that takes a file name (a native library's save): <paramref name="writeTo"/> writes the
    /// temporary file it is given, which is then flushed to disk, handed to <paramref name="verify"/> when given, and
    /// renamed over <paramref name="path"/>.
    /// </summary>
    public static void WriteFile(string path, Action<string> writeTo, Action<string>? verify = null)
    {
        ArgumentNullException.ThrowIfNull(writeTo);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(folder)) throw new OmlException($"{path}: cannot write, the folder {folder} does not exist");
        var temp = Path.Combine(folder, $"{TempPrefix}{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            writeTo(temp);
            if (!File.Exists(temp)) throw new IOException($"{temp} was not written");
            using (var written = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                written.Flush(flushToDisk: true);
            }
            verify?.Invoke(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (OutputLocation.IsIoFailure(e))
        {
            TryDelete(temp);
            throw OutputLocation.WriteFailure(path, e, File.Exists(full) ? "the previous file is unchanged" : null);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Removes the temporary files that writes into <paramref name="folder"/> left when their process was killed
    /// (<c>.oml-tmp-*.tmp</c>; the target of such a write still holds its previous, complete content). Returns the
    /// names of those removed; one that cannot be removed is left.
    /// </summary>
    public static IReadOnlyList<string> RemoveLeftovers(string folder)
    {
        if (!Directory.Exists(folder)) return [];
        var removed = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, TempPrefix + "*.tmp"))
        {
            if (TryDelete(file)) removed.Add(Path.GetFileName(file));
        }
        removed.Sort(StringComparer.Ordinal);
        return removed;
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s =>
        {
            using var w = new StreamWriter(s, leaveOpen: true);
            w.Write(text);
        });

    private static bool TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
