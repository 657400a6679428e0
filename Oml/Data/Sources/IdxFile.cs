using System.Buffers.Binary;
using System.IO.Compression;

namespace Oml.Data.Sources;

/// <summary>
/// An IDX file of unsigned bytes (the MNIST format), plain or gzip-compressed: a big-endian magic number
/// <c>0x000008NN</c> (<c>NN</c> = number of dimensions), one big-endian int32 per dimension, then the data.
/// Reading is strict: a wrong magic number, wrong item shape, missing or extra bytes are errors naming the file.
/// </summary>
public sealed class IdxFile
{
    public const int LabelsMagic = 0x00000801;
    public const int ImagesMagic = 0x00000803;

    private const int UnsignedByteType = 0x08;

    private IdxFile(string path, int[] dimensions, byte[] data)
    {
        Path = path;
        Dimensions = dimensions;
        Data = data;
    }

    public string Path { get; }

    /// <summary>The sizes from the header; the first is the number of items.</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>All items, row-major, without the header.</summary>
    public byte[] Data { get; }

    public int Count => Dimensions[0];

    /// <summary>Bytes per item (1 for labels, rows x cols for images).</summary>
    public int ItemSize => Dimensions.Skip(1).Aggregate(1, (a, b) => a * b);

    public ReadOnlySpan<byte> Item(int index) => Data.AsSpan(index * ItemSize, ItemSize);

    /// <summary>Reads a labels file (magic <c>0x00000801</c>): one byte per item.</summary>
    public static IdxFile ReadLabels(string path) => Read(path, LabelsMagic, "labels");

    /// <summary>Reads an images file (magic <c>0x00000803</c>) and checks that every image is <paramref name="rows"/> x <paramref name="columns"/>.</summary>
    public static IdxFile ReadImages(string path, int rows, int columns)
    {
        var file = Read(path, ImagesMagic, "images");
        if (file.Dimensions[1] != rows || file.Dimensions[2] != columns)
        {
            throw new OmlException(
                $"{path}: images are {file.Dimensions[1]}x{file.Dimensions[2]} pixels; expected {rows}x{columns}");
        }
        return file;
    }

    /// <summary>Reads an IDX file whose magic number must be <paramref name="expectedMagic"/>.</summary>
    public static IdxFile Read(string path, int expectedMagic, string what = "items")
    {
        if (((expectedMagic >> 8) & 0xFF) != UnsignedByteType)
        {
            throw new ArgumentException("only unsigned-byte IDX files (magic 0x000008NN) are supported", nameof(expectedMagic));
        }
        var bytes = ReadAllBytes(path);
        var expectedDimensions = expectedMagic & 0xFF;
        if (bytes.Length < 4)
        {
            throw new OmlException($"{path}: {bytes.Length} bytes is too short for an IDX header (expected at least {4 + 4 * expectedDimensions})");
        }
        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != expectedMagic)
        {
            throw new OmlException(
                $"{path}: magic number 0x{magic:X8} is not 0x{expectedMagic:X8}, the IDX magic of unsigned-byte {what} " +
                $"with {expectedDimensions} dimension(s)" + (magic is LabelsMagic or ImagesMagic ? " (are the images and labels files swapped?)" : ""));
        }

        var headerSize = 4 + 4 * expectedDimensions;
        if (bytes.Length < headerSize)
        {
            throw new OmlException($"{path}: truncated header: {bytes.Length} bytes, expected {headerSize}");
        }
        var dimensions = new int[expectedDimensions];
        long itemBytes = 1;
        for (var d = 0; d < expectedDimensions; d++)
        {
            dimensions[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (dimensions[d] < 0) throw new OmlException($"{path}: dimension {d} is {dimensions[d]}; expected a count >= 0");
            itemBytes *= dimensions[d];
        }

        var dataSize = bytes.LongLength - headerSize;
        if (dataSize != itemBytes)
        {
            var shape = string.Join("x", dimensions);
            throw new OmlException(dataSize < itemBytes
                ? $"{path}: truncated: the header announces {shape} = {itemBytes} bytes of {what}, but only {dataSize} follow"
                : $"{path}: {dataSize - itemBytes} unexpected bytes after the {shape} = {itemBytes} bytes of {what} the header announces");
        }
        return new IdxFile(path, dimensions, bytes[headerSize..]);
    }

    private static byte[] ReadAllBytes(string path)
    {
        if (!File.Exists(path)) throw new OmlException($"{path}: file not found");
        var raw = File.ReadAllBytes(path);
        var gzipped = raw.Length >= 2 && raw[0] == 0x1F && raw[1] == 0x8B;
        if (!gzipped) return raw;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var plain = new MemoryStream(raw.Length * 4);
            gzip.CopyTo(plain);
            return plain.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new OmlException($"{path}: the gzip data is damaged or truncated ({e.Message})", innerException: e);
        }
    }
}
