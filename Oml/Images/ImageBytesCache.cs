namespace Oml.Images;

/// <summary>
/// A thread-safe least-recently-used cache of raw file bytes, keyed by path (OML's <c>cache_size</c>: a number of
/// files, 0 = off). Files are read outside the lock, so a slow disk does not serialise readers; two threads that miss
/// the same path at once may both read it, and one copy wins.
/// </summary>
public sealed class ImageBytesCache
{
    private readonly object _lock = new();
    private readonly Dictionary<string, LinkedListNode<(string Path, byte[] Bytes)>> _index = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Path, byte[] Bytes)> _recency = new(); // most recent first

    public ImageBytesCache(int capacity)
    {
        if (capacity < 0)
            throw new OmlException($"cache_size = {capacity} is not valid: expected 0 (no cache) or a positive number of files");
        Capacity = capacity;
    }

    /// <summary>How many files the cache keeps; 0 turns it off.</summary>
    public int Capacity { get; }

    public int Count
    {
        get { lock (_lock) return _index.Count; }
    }

    public bool Contains(string path)
    {
        lock (_lock) return _index.ContainsKey(path);
    }

    /// <summary>The bytes of <paramref name="path"/>, from the cache or from disk (then cached).</summary>
    public byte[] GetOrRead(string path)
    {
        if (Capacity == 0) return ReadFile(path);
        lock (_lock)
        {
            if (_index.TryGetValue(path, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                return node.Value.Bytes;
            }
        }
        var bytes = ReadFile(path);
        lock (_lock)
        {
            if (_index.TryGetValue(path, out var existing)) return existing.Value.Bytes;
            _index[path] = _recency.AddFirst((path, bytes));
            while (_index.Count > Capacity)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _index.Remove(oldest.Value.Path);
            }
        }
        return bytes;
    }

    /// <summary>Reads a whole file; a missing or unreadable file is an <see cref="OmlException"/> naming it.</summary>
    public static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new OmlException($"Image file '{path}' does not exist; check the path column and dataset_root", innerException: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OmlException($"Cannot read image file '{path}': {e.Message}", innerException: e);
        }
    }
}
