namespace Oml.Zoo;

/// <summary>Hex digests of files, read in large blocks.</summary>
public static class FileChecksum
{
    private const int BlockBytes = 1 << 20;

    /// <summary>The lower-case hex digest of <paramref name="path"/> with <paramref name="checksum"/>'s algorithm.</summary>
    public static string Compute(string path, ZooChecksum checksum)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BlockBytes, FileOptions.SequentialScan);
        using var hash = checksum.CreateHash();
        Append(hash, file, file.Length);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Feeds the first <paramref name="length"/> bytes of <paramref name="stream"/> (from its start) to <paramref name="hash"/>.</summary>
    public static void Append(System.Security.Cryptography.IncrementalHash hash, Stream stream, long length)
    {
        stream.Position = 0;
        var buffer = new byte[BlockBytes];
        var left = length;
        while (left > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) throw new EndOfStreamException($"the file ended {left} bytes early");
            hash.AppendData(buffer, 0, read);
            left -= read;
        }
    }
}
