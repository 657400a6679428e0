using System.Text;
using static TorchSharp.torch;

namespace Oml.Weights;

/// <summary>
/// TorchSharp's own <c>Module.save</c> format: a 7-bit-encoded entry count, then per entry a .NET string key
/// and a tensor (7-bit-encoded dtype, rank and sizes, then the raw bytes). It has no magic number, so
/// <see cref="TryRead"/> parses it strictly (from a seekable stream) and gives up (returns null) at the first inconsistency.
/// </summary>
internal static class TorchSharpFormat
{
    private const int MaxEntries = 1_000_000;
    private const int MaxRank = 16;

    public static Dictionary<string, Tensor>? TryRead(Stream file)
    {
        file.Position = 0;
        using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        var result = new Dictionary<string, Tensor>();
        try
        {
            var count = Decode(reader);
            if (count is <= 0 or > MaxEntries) return Fail(result);
            for (var i = 0; i < count; i++)
            {
                var key = reader.ReadString();
                if (key.Length == 0 || key.Any(char.IsControl) || result.ContainsKey(key)) return Fail(result);
                var dtypeCode = Decode(reader);
                if (dtypeCode is < 0 or > 127 || !Enum.IsDefined((ScalarType)(sbyte)dtypeCode)) return Fail(result);
                var dtype = (ScalarType)(sbyte)dtypeCode;
                long elementSize;
                try { elementSize = TorchZipFormat.ElementSize(dtype); }
                catch (NotSupportedException) { return Fail(result); }
                var rank = Decode(reader);
                if (rank is < 0 or > MaxRank) return Fail(result);
                var shape = new long[rank];
                long numel = 1;
                for (var d = 0; d < rank; d++)
                {
                    shape[d] = Decode(reader);
                    if (shape[d] < 0) return Fail(result);
                    numel = checked(numel * shape[d]);
                }
                var bytes = checked(numel * elementSize);
                if (bytes > file.Length - file.Position) return Fail(result);
                var tensor = empty(shape, dtype);
                result[key] = tensor;
                file.ReadExactly(tensor.bytes);
            }
            return file.Position == file.Length ? result : Fail(result);
        }
        catch (Exception e) when (e is EndOfStreamException or OverflowException or FormatException or IOException or DecoderFallbackException)
        {
            return Fail(result);
        }
    }

    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var items = tensors.ToList();
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        Encode(writer, items.Count);
        foreach (var (key, value) in items)
        {
            using var scope = NewDisposeScope();
            var t = value.detach().cpu().contiguous();
            writer.Write(key);
            Encode(writer, (long)t.dtype);
            Encode(writer, t.shape.Length);
            foreach (var s in t.shape) Encode(writer, s);
            writer.Write(t.bytes);
        }
        writer.Flush();
    }

    private static Dictionary<string, Tensor>? Fail(Dictionary<string, Tensor> partial)
    {
        foreach (var t in partial.Values) t.Dispose();
        return null;
    }

    private static long Decode(BinaryReader reader)
    {
        long value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = reader.ReadByte();
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new FormatException("7-bit encoded integer is too long");
    }

    private static void Encode(BinaryWriter writer, long value)
    {
        var v = (ulong)value;
        while (v >= 0x80)
        {
            writer.Write((byte)(v | 0x80));
            v >>= 7;
        }
        writer.Write((byte)v);
    }
}
