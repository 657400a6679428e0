namespace Oml.IO;

/// <summary>
/// Writes a file so that readers (and a later run after a crash) see either the old content or the complete new
/// content, never a half-written file: the content goes to a temporary file in the same folder, is flushed to
/// disk, and then renamed over the target. When the write callback throws, the temporary file is deleted and the
/// previous file stays as it was.
/// </summary>
public static class AtomicFile
{
    /// <summary>Prefix of the temporary files (hidden on Unix); they end with <c>.tmp</c>.</summary>
    public const string TempPrefix = ".oml-tmp-";

    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(folder)) throw new OmlException($"{path}: cannot write, the folder {folder} does not exist");
        var temp = Path.Combine(folder, $"{TempPrefix}{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
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

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
