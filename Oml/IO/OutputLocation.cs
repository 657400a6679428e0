namespace Oml.IO;

/// <summary>
/// Where a pipeline writes its outputs (a run folder, <c>save_dir</c>, a metrics file), checked before any expensive
/// work: the folder is made if missing and a file is written and removed in it. What goes wrong (a read-only location,
/// a file where a folder is expected, no space left) is an <see cref="OmlException"/> that names the config key or
/// option that chose the location, the path and what is wrong; the same words describe a failure while writing.
/// </summary>
public static class OutputLocation
{
    // errno values that .NET puts in IOException.HResult on Unix, and the Windows HRESULTs for a full disk
    private const int NoSpace = 28, ReadOnlyFileSystem = 30, NotADirectory = 20, IsADirectory = 21, QuotaExceeded = 122;
    private const int WindowsDiskFull = unchecked((int)0x80070070), WindowsHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>
    /// Makes <paramref name="folder"/> (and the folders above it) if missing and checks that files can be written in it.
    /// Returns the topmost folder this made, or null when <paramref name="folder"/> was there, so that a run that
    /// fails before writing anything can remove what it made (<see cref="RemoveCreated"/>).
    /// </summary>
    /// <param name="key">The config key or option that chose the folder, as the message names it (<c>save_dir</c>).</param>
    public static string? PrepareFolder(string folder, string key) => Prepare(folder, key, file: null);

    /// <summary>
    /// Runs <paramref name="run"/> with <paramref name="folder"/> prepared (<see cref="PrepareFolder"/>); when it fails,
    /// removes the folders the preparation made, so a failed run leaves no empty output folder behind.
    /// </summary>
    public static T InFolder<T>(string folder, string key, Func<T> run) => InPrepared(folder, PrepareFolder(folder, key), run);

    /// <summary><see cref="InFolder{T}"/> for the folder of the file <paramref name="path"/> (<see cref="PrepareFile"/>).</summary>
    public static T ForFile<T>(string path, string key, Func<T> run) =>
        InPrepared(Path.GetDirectoryName(Path.GetFullPath(path))!, PrepareFile(path, key), run);

    private static T InPrepared<T>(string folder, string? madeFolder, Func<T> run)
    {
        try
        {
            return run();
        }
        catch
        {
            RemoveCreated(folder, madeFolder);
            throw;
        }
    }

    /// <summary>
    /// <see cref="PrepareFolder"/> for the folder of the file <paramref name="path"/>, which must not be a folder itself.
    /// </summary>
    public static string? PrepareFile(string path, string key)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new OmlException($"{key}: {path} is a folder, not a file; give the path of the file to write (it may be in that folder)");
        return Prepare(Path.GetDirectoryName(full) ?? ".", key, file: path);
    }

    /// <param name="file">The output file whose folder this is, or null when the folder is the output.</param>
    private static string? Prepare(string folder, string key, string? file)
    {
        var full = Path.GetFullPath(folder);
        var advice = file is null ? $"set {key} to a folder (it is made if missing)" : $"give {key} a path in a folder (it is made if missing)";
        foreach (var path in Ancestors(full))
        {
            if (Directory.Exists(path)) break;
            if (!File.Exists(path)) continue;
            throw new OmlException(path == full && file is null
                ? $"{key}: {folder} is a file, not a folder; {advice}"
                : $"{key}: {path} is a file, so {file ?? folder} cannot be made in it; {advice}");
        }
        var created = TopmostMissing(full);
        var what = file is null ? $"the folder {folder}" : $"the folder {full} for {file}";
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (IsIoFailure(e))
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "the file system does not allow a folder there" : Reason(e, full);
            throw new OmlException($"{key}: cannot create {what}: {reason}; {Advice(e, key, file)}", innerException: e);
        }
        var probe = Path.Combine(full, $"{AtomicFile.TempPrefix}write-test.{Guid.NewGuid():N}.tmp");
        try
        {
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            stream.WriteByte(0);
            stream.Flush();
        }
        catch (Exception e) when (IsIoFailure(e))
        {
            RemoveCreated(full, created);
            throw new OmlException($"{key}: cannot write in {what}: {Reason(e, full)}; {Advice(e, key, file)}", innerException: e);
        }
        return created;
    }

    /// <summary>
    /// Removes what <see cref="PrepareFolder"/> made (<paramref name="createdTop"/> is what it returned; null: nothing was
    /// made, nothing is removed): <paramref name="folder"/>, with what is in it when <paramref name="recursive"/> and else
    /// only if empty, then the empty folders above it up to <paramref name="createdTop"/>. Failures to remove are ignored.
    /// </summary>
    public static void RemoveCreated(string folder, string? createdTop, bool recursive = false)
    {
        if (createdTop is null) return;
        var top = Path.GetFullPath(createdTop);
        var current = Path.GetFullPath(folder);
        if (!IsSameOrUnder(current, top)) current = top; // the folder was there before: only what was made under it goes
        try
        {
            if (recursive && Directory.Exists(current)) Directory.Delete(current, recursive: true);
            while (current is not null && IsSameOrUnder(current, top))
            {
                if (Directory.Exists(current))
                {
                    if (Directory.EnumerateFileSystemEntries(current).Any()) return;
                    Directory.Delete(current);
                }
                current = Path.GetDirectoryName(current);
            }
        }
        catch (Exception e) when (IsIoFailure(e))
        {
            // left as it is: nothing depends on it being gone
        }
    }

    private static bool IsSameOrUnder(string path, string folder) =>
        path == folder || path.StartsWith(Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>
    /// A failure while writing <paramref name="path"/> (after the location was checked: the disk filled up, the folder
    /// went away) as the user error it is.
    /// </summary>
    public static OmlException WriteFailure(string path, Exception e, string? note = null) =>
        new($"cannot write {path}: {Reason(e, Path.GetFullPath(path))}" + (note is null ? "" : $" ({note})") +
            (IsNoSpace(e) ? NoSpaceAdvice : ""), innerException: e);

    private const string NoSpaceAdvice = "; free some space and run again";

    /// <summary>
    /// Runs <paramref name="write"/>, which writes the outputs of a location <see cref="PrepareFolder"/> checked: a
    /// failure to write (<see cref="WriteFailure"/>, or an I/O exception) names <paramref name="key"/> as well, since
    /// that is what to change when the disk is full.
    /// </summary>
    public static T Writing<T>(string key, Func<T> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            return write();
        }
        catch (Exception e) when (Named(key, e) is { } named)
        {
            throw named;
        }
    }

    /// <summary>A write failure (of parallel writes too) with <paramref name="key"/> named; null for other exceptions.</summary>
    private static OmlException? Named(string key, Exception e)
    {
        if (e is AggregateException aggregate)
        {
            // parallel writes: the first failure of the file system tells what is wrong
            return aggregate.Flatten().InnerExceptions.Select(inner => Named(key, inner)).FirstOrDefault(named => named is not null);
        }
        if (e is OmlException oml && oml.InnerException is { } inner && IsIoFailure(inner) && oml.Message.StartsWith(WriteFailurePrefix, StringComparison.Ordinal))
        {
            return new OmlException($"{key}: {oml.Message.Replace(NoSpaceAdvice, $"; free some space, or set {key} to a folder on another disk", StringComparison.Ordinal)}",
                oml.Details, inner);
        }
        if (!IsIoFailure(e)) return null;
        // .NET names the path in quotes: "No space left on device : '/data/x.png'"
        var quoted = System.Text.RegularExpressions.Regex.Match(e.Message, "'([^']+)'");
        return quoted.Success
            ? Named(key, WriteFailure(quoted.Groups[1].Value, e))
            : new OmlException($"{key}: cannot write: {DescribeUnnamedFailure(e) ?? e.Message}", innerException: e);
    }

    /// <inheritdoc cref="Writing{T}(string, Func{T})"/>
    public static void Writing(string key, Action write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Writing<object?>(key, () =>
        {
            write();
            return null;
        });
    }

    private const string WriteFailurePrefix = "cannot ";

    /// <summary><see cref="Directory.CreateDirectory(string)"/> whose failure says what is wrong (see <see cref="WriteFailure"/>).</summary>
    public static void CreateFolder(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (IsIoFailure(e))
        {
            var full = Path.GetFullPath(folder);
            var fileInTheWay = Ancestors(full).FirstOrDefault(File.Exists);
            throw new OmlException($"cannot create the folder {folder}: " +
                                   (fileInTheWay is null ? Reason(e, full) : $"{fileInTheWay} is a file, not a folder"), innerException: e);
        }
    }

    /// <summary>
    /// For a failure of the file system that no code path named (a read-only location, no space left, a file where a
    /// folder is expected): the exception's own message with what it means; null for anything else.
    /// </summary>
    public static string? DescribeUnnamedFailure(Exception e)
    {
        var meaning = e switch
        {
            _ when IsNoSpace(e) => "no space left on the device: free some space and run again",
            UnauthorizedAccessException => "permission denied: the location is read-only or belongs to another user",
            IOException { HResult: ReadOnlyFileSystem } => "the file system is read-only",
            IOException { HResult: NotADirectory } => "a part of the path is a file, not a folder",
            IOException { HResult: IsADirectory } => "a folder is where a file was expected",
            _ => null,
        };
        return meaning is null ? null : $"{e.Message.TrimEnd('.')} ({meaning})";
    }

    /// <summary>Whether <paramref name="e"/> is a failure of the file system (permissions, space, a path), not a bug.</summary>
    public static bool IsIoFailure(Exception e) => e is IOException or UnauthorizedAccessException;

    /// <summary>Whether <paramref name="e"/> says the disk (or the user's quota on it) is full.</summary>
    public static bool IsNoSpace(Exception e) =>
        e is IOException { HResult: NoSpace or QuotaExceeded or WindowsDiskFull or WindowsHandleDiskFull }
        || e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("Disk quota exceeded", StringComparison.OrdinalIgnoreCase);

    /// <summary>What is wrong, in words, for a failure at <paramref name="path"/> (a file or folder being written).</summary>
    public static string Reason(Exception e, string path) => e switch
    {
        _ when IsNoSpace(e) => $"no space left on the device holding {Existing(path)}",
        UnauthorizedAccessException => "permission denied (the location is read-only or belongs to another user)",
        IOException { HResult: ReadOnlyFileSystem } => "the file system is read-only",
        IOException { HResult: NotADirectory } => "a part of the path is a file, not a folder",
        IOException { HResult: IsADirectory } => "it is a folder, not a file",
        DirectoryNotFoundException => $"the folder {Path.GetDirectoryName(path)} does not exist",
        _ => e.Message.TrimEnd('.'),
    };

    private static string Advice(Exception e, string key, string? file) =>
        IsNoSpace(e) ? $"free some space, or set {key} to a {(file is null ? "folder" : "file")} on another disk"
        : file is null ? $"set {key} to a folder you can write to" : $"set {key} to a file in a folder you can write to";

    private static IEnumerable<string> Ancestors(string full)
    {
        for (var path = full; path is not null; path = Path.GetDirectoryName(path)) yield return path;
    }

    private static string? TopmostMissing(string full)
    {
        string? missing = null;
        for (var path = full; path is not null && !Directory.Exists(path); path = Path.GetDirectoryName(path)) missing = path;
        return missing;
    }

    /// <summary>The path itself if it is there, else the nearest folder above it that is (the device is that folder's).</summary>
    private static string Existing(string path)
    {
        for (var p = path; p is not null; p = Path.GetDirectoryName(p))
        {
            if (Directory.Exists(p)) return p;
        }
        return path;
    }
}
