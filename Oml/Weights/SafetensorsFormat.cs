using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Oml.Weights;

/// <summary>
/// safetensors: a little-endian u64 header length, a JSON header <c>{name: {dtype, shape, data_offsets}}</c>
/// (plus an optional <c>__metadata__</c>), then the raw little-endian tensor bytes.
/// </summary>
internal static class SafetensorsFormat
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>True when the first bytes are a plausible header length followed by '{'.</summary>
    public static bool LooksLikeSafetensors(ReadOnlySpan<byte> head, long fileLength)
    {
        if (head.Length < 9) return false;
        var n = BinaryPrimitives.ReadUInt64LittleEndian(head);
        return n >= 2 && n <= (ulong)MaxHeaderBytes && (long)n + 8 <= fileLength && head[8] == (byte)'{';
    }

    public static Dictionary<string, Tensor> Read(FileStream file)
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        file.Position = 0;
        file.ReadExactly(lengthBytes);
        var headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes));
        var headerBytes = new byte[headerLength];
        file.ReadExactly(headerBytes);
        var dataStart = 8L + headerLength;
        var dataLength = file.Length - dataStart;

        using var header = JsonDocument.Parse(headerBytes);
        var result = new Dictionary<string, Tensor>();
        try
        {
            foreach (var property in header.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__") continue;
                var info = property.Value;
                var dtypeName = info.GetProperty("dtype").GetString() ?? "";
                var dtype = DType(dtypeName)
                    ?? throw new InvalidDataException($"tensor '{property.Name}' has dtype {dtypeName}; supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL");
                var shape = info.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var offsets = info.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var numel = shape.Aggregate(1L, (a, b) => a * b);
                var bytes = numel * TorchZipFormat.ElementSize(dtype);
                if (offsets.Length != 2 || offsets[1] - offsets[0] != bytes || offsets[0] < 0 || offsets[1] > dataLength)
                {
                    throw new InvalidDataException(
                        $"tensor '{property.Name}' ({dtypeName} [{string.Join(", ", shape)}], {bytes} bytes) has data_offsets [{string.Join(", ", offsets)}] outside the {dataLength} data bytes");
                }
                var tensor = empty(shape, dtype);
                result[property.Name] = tensor;
                file.Position = dataStart + offsets[0];
                file.ReadExactly(tensor.bytes);
            }
            return result;
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
    }

    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        using var scope = NewDisposeScope();
        var items = tensors.Select(kv => (kv.Key, Tensor: kv.Value.detach().cpu().contiguous())).ToList();
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            w.WriteStartObject("__metadata__");
            w.WriteString("format", "pt");
            w.WriteEndObject();
            long offset = 0;
            foreach (var (key, t) in items)
            {
                var length = t.numel() * TorchZipFormat.ElementSize(t.dtype);
                w.WriteStartObject(key);
                w.WriteString("dtype", DTypeName(t.dtype));
                w.WriteStartArray("shape");
                foreach (var s in t.shape) w.WriteNumberValue(s);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += length;
            }
            w.WriteEndObject();
        }
        var padding = (int)((8 - json.Length % 8) % 8);
        for (var i = 0; i < padding; i++) json.WriteByte((byte)' ');
        Span<byte> lengthBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)json.Length);
        stream.Write(lengthBytes);
        stream.Write(json.GetBuffer(), 0, (int)json.Length);
        foreach (var (_, t) in items) stream.Write(t.bytes);
    }

    private static ScalarType? DType(string name) => name switch
    {
        "F64" => ScalarType.Float64,
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => null,
    };

    private static string DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"dtype {dtype} cannot be written to safetensors"),
    };

    internal static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
