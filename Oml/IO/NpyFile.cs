using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Oml.IO;

/// <summary>
/// NumPy <c>.npy</c> files (format versions 1, 2 and 3) holding a 2-D float32 or float64 array, C or Fortran order,
/// either byte order. Embeddings are read as float32 [N, D]; anything else is a clear error naming the file.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static NpyArray ReadMatrix(string path)
    {
        if (!File.Exists(path)) throw new OmlException($"{path}: file not found (expected a NumPy .npy file of embeddings)");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new OmlException($"{path} is not a NumPy .npy file (it does not start with \\x93NUMPY); save embeddings with numpy.save");
        }
        int major = bytes[6];
        int headerLength, headerStart;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
                headerStart = 10;
                break;
            case 2 or 3 when bytes.Length >= 12:
                headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
                headerStart = 12;
                break;
            default:
                throw new OmlException($"{path}: .npy format version {major} is not supported (expected 1, 2 or 3)");
        }
        if (headerStart + headerLength > bytes.Length) throw new OmlException($"{path}: the .npy header is truncated");
        var header = Encoding.Latin1.GetString(bytes, headerStart, headerLength);

        var descr = Field(DescrPattern(), header, path, "descr");
        var fortran = Field(FortranPattern(), header, path, "fortran_order") == "True";
        var shape = Field(ShapePattern(), header, path, "shape")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        if (shape.Length != 2)
        {
            throw new OmlException($"{path}: the array has shape ({string.Join(", ", shape)}), expected 2 dimensions [N, D] (one embedding per row)");
        }
        var (size, bigEndian) = descr switch
        {
            "<f4" or "|f4" or "=f4" => (4, false),
            ">f4" => (4, true),
            "<f8" or "|f8" or "=f8" => (8, false),
            ">f8" => (8, true),
            _ => throw new OmlException($"{path}: dtype '{descr}' is not supported; expected float32 or float64 (numpy.save(path, emb.astype('float32')))"),
        };
        var rows = checked((int)shape[0]);
        var columns = checked((int)shape[1]);
        var count = (long)rows * columns;
        var dataStart = headerStart + headerLength;
        if (bytes.Length - dataStart != count * size)
        {
            throw new OmlException($"{path}: the header says {rows} x {columns} values of {size} bytes ({count * size} bytes) but the file holds {bytes.Length - dataStart} bytes of data");
        }
        var data = new float[count];
        var span = bytes.AsSpan(dataStart);
        for (long i = 0; i < count; i++)
        {
            var at = (int)(i * size);
            var value = size == 4
                ? (bigEndian ? BinaryPrimitives.ReadSingleBigEndian(span[at..]) : BinaryPrimitives.ReadSingleLittleEndian(span[at..]))
                : (float)(bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(span[at..]) : BinaryPrimitives.ReadDoubleLittleEndian(span[at..]));
            var target = fortran ? (i % rows) * columns + i / rows : i;
            data[target] = value;
        }
        return new NpyArray(data, rows, columns);
    }

    /// <summary>Writes a float32 [rows, columns] C-order .npy (version 1), atomically.</summary>
    public static void WriteMatrix(string path, NpyArray array)
    {
        if ((long)array.Rows * array.Columns != array.Data.Length) throw new ArgumentException("data length must be rows * columns");
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({array.Rows}, {array.Columns}), }}";
        var total = 10 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            stream.Write([1, 0]);
            var length = new byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
            stream.Write(length);
            stream.Write(Encoding.Latin1.GetBytes(header));
            var buffer = new byte[array.Data.Length * 4];
            for (var i = 0; i < array.Data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * 4), array.Data[i]);
            stream.Write(buffer);
        });
    }

    private static string Field(Regex pattern, string header, string path, string name)
    {
        var match = pattern.Match(header);
        return match.Success ? match.Groups[1].Value : throw new OmlException($"{path}: the .npy header has no '{name}' ({header.Trim()})");
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
