using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace Oml.Benchmarks;

/// <summary>Minimal NumPy .npy (format 1.0) writer and reader for C-ordered little-endian float32 matrices, so the
/// C# and Python sides of a benchmark read the very same embeddings.</summary>
internal static class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];

    public static void WriteFloat32(string path, Tensor matrix)
    {
        using var contiguous = matrix.to(ScalarType.Float32).contiguous();
        var header = string.Create(CultureInfo.InvariantCulture,
            $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({contiguous.shape[0]}, {contiguous.shape[1]}), }}");
        var total = Magic.Length + 2 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        using var stream = File.Create(path);
        stream.Write(Magic);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(contiguous.bytes);
    }

    /// <summary>Reads straight into a new tensor (no intermediate managed copy, so no transient peak).</summary>
    public static Tensor ReadFloat32(string path)
    {
        using var stream = File.OpenRead(path);
        var prefix = new byte[Magic.Length + 2];
        stream.ReadExactly(prefix);
        if (!prefix.AsSpan(0, 6).SequenceEqual(Magic.AsSpan(0, 6)) || prefix[6] != 1) throw new InvalidDataException($"{path}: not a .npy 1.x file");
        var headerBytes = new byte[BitConverter.ToUInt16(prefix, 8)];
        stream.ReadExactly(headerBytes);
        var header = Encoding.ASCII.GetString(headerBytes);
        if (!header.Contains("'<f4'", StringComparison.Ordinal) || !header.Contains("'fortran_order': False", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: expected a C-ordered float32 matrix, header {header}");
        }
        var shapeText = header[(header.IndexOf("'shape': (", StringComparison.Ordinal) + 10)..];
        var dims = shapeText[..shapeText.IndexOf(')', StringComparison.Ordinal)]
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var tensor = empty(dims, ScalarType.Float32);
        stream.ReadExactly(tensor.bytes);
        return tensor;
    }
}
