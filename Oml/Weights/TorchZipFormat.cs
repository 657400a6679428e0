using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Weights;

/// <summary>A tensor found in a pickle, not read yet: storage entry, dtype, offset, size and stride.</summary>
internal sealed record PickledTensor(string StorageKey, ScalarType DType, long StorageElements, long Offset, long[] Size, long[] Stride);

/// <summary>
/// PyTorch's zip serialization (<c>torch.save</c> since 1.6): <c>&lt;name&gt;/data.pkl</c> is a pickle whose tensors are
/// persistent ids pointing to raw little-endian storages <c>&lt;name&gt;/data/&lt;key&gt;</c>. Reading is lazy: the pickle is
/// interpreted first (tolerating unknown classes), then only the tensors the caller keeps are read.
/// </summary>
internal static class TorchZipFormat
{
    public sealed class Archive(ZipArchive zip, string prefix, object? root) : IDisposable
    {
        public object? Root { get; } = root;

        /// <summary>Reads one tensor into fresh, contiguous memory (views of a shared storage are copied out).</summary>
        public Tensor Materialize(PickledTensor t)
        {
            var entry = zip.GetEntry(prefix + "data/" + t.StorageKey)
                ?? throw new InvalidDataException($"storage '{t.StorageKey}' is missing from the archive");
            using var scope = NewDisposeScope();
            var storage = empty(t.StorageElements, t.DType);
            var expected = t.StorageElements * ElementSize(t.DType);
            if (entry.Length < expected) throw new InvalidDataException($"storage '{t.StorageKey}' holds {entry.Length} bytes, expected {expected}");
            using (var s = entry.Open()) s.ReadExactly(storage.bytes);
            var view = storage.as_strided(t.Size, t.Stride, t.Offset);
            var result = view.is_contiguous() ? view.clone() : view.contiguous();
            return result.MoveToOuterDisposeScope();
        }

        public void Dispose() => zip.Dispose();
    }

    public static bool LooksLikeZip(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && head[0] == 0x50 && head[1] == 0x4b && head[2] == 0x03 && head[3] == 0x04;

    /// <summary>Opens the archive and interprets data.pkl; returns null when the zip has no data.pkl.</summary>
    public static Archive? Open(Stream stream)
    {
        var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
        try
        {
            var pkl = zip.Entries.FirstOrDefault(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal));
            if (pkl is null)
            {
                zip.Dispose();
                return null;
            }
            var prefix = pkl.FullName[..^"data.pkl".Length];
            var byteOrder = zip.GetEntry(prefix + "byteorder");
            if (byteOrder is not null)
            {
                using var r = new StreamReader(byteOrder.Open(), Encoding.ASCII);
                var order = r.ReadToEnd().Trim();
                if (order != "little") throw new InvalidDataException($"the tensors are stored {order}-endian; only little-endian files are supported");
            }
            object? root;
            using (var s = pkl.Open())
            {
                var buffered = new MemoryStream();
                s.CopyTo(buffered);
                buffered.Position = 0;
                root = new PickleReader(buffered, PersistentLoad, Call).Load();
            }
            return new Archive(zip, prefix, root);
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    private sealed record StorageRef(string Key, ScalarType DType, long Elements);

    private static object? PersistentLoad(object? pid)
    {
        if (pid is object?[] { Length: >= 5 } t && t[0] is "storage" && t[1] is PickleGlobal type && t[2] is string key)
        {
            var elements = Convert.ToInt64(t[4]);
            var dtype = StorageDType(type.Name)
                ?? throw new InvalidDataException($"storage type {type.FullName} is not supported");
            return new StorageRef(key, dtype, elements);
        }
        throw new InvalidDataException($"unknown persistent id in the pickle: {Describe(pid)}");
    }

    private static object? Call(PickleGlobal g, object?[] args)
    {
        if (g.Module == "torch._utils")
        {
            switch (g.Name)
            {
                case "_rebuild_tensor_v2" or "_rebuild_tensor" when args.Length >= 4 && args[0] is StorageRef s:
                    return new PickledTensor(s.Key, s.DType, s.Elements, Convert.ToInt64(args[1]), Longs(args[2]), Longs(args[3]));
                case "_rebuild_parameter" or "_rebuild_parameter_with_state" when args.Length >= 1 && args[0] is PickledTensor p:
                    return p;
            }
        }
        return PickleReader.NotHandled;
    }

    private static long[] Longs(object? tuple) => tuple switch
    {
        object?[] items => [.. items.Select(Convert.ToInt64)],
        _ => throw new InvalidDataException($"expected a tuple of sizes, got {Describe(tuple)}"),
    };

    private static ScalarType? StorageDType(string storageName) => storageName switch
    {
        "DoubleStorage" => ScalarType.Float64,
        "FloatStorage" => ScalarType.Float32,
        "HalfStorage" => ScalarType.Float16,
        "BFloat16Storage" => ScalarType.BFloat16,
        "LongStorage" => ScalarType.Int64,
        "IntStorage" => ScalarType.Int32,
        "ShortStorage" => ScalarType.Int16,
        "CharStorage" => ScalarType.Int8,
        "ByteStorage" => ScalarType.Byte,
        "BoolStorage" => ScalarType.Bool,
        "ComplexFloatStorage" => ScalarType.ComplexFloat32,
        "ComplexDoubleStorage" => ScalarType.ComplexFloat64,
        _ => null,
    };

    internal static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        ScalarType.ComplexFloat64 => 16,
        _ => throw new NotSupportedException($"dtype {dtype}"),
    };

    internal static string Describe(object? value) => value switch
    {
        null => "None",
        object?[] t => "(" + string.Join(", ", t.Take(5).Select(Describe)) + (t.Length > 5 ? ", ..." : "") + ")",
        string s => "'" + s + "'",
        _ => value.ToString() ?? value.GetType().Name,
    };

    // ---------------------------------------------------------------- writing

    /// <summary>
    /// Writes <paramref name="tensors"/> as <c>torch.save(state_dict)</c> would: an OrderedDict of
    /// <c>_rebuild_tensor_v2</c> calls, one storage per tensor, stored (not deflated) zip entries.
    /// </summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, string archiveName = "archive")
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var pickle = new MemoryStream();
        var p = new BinaryWriter(pickle, Encoding.UTF8, leaveOpen: true);
        p.Write((byte)0x80); p.Write((byte)2); // PROTO 2
        WriteGlobal(p, "collections", "OrderedDict");
        p.Write((byte)')'); p.Write((byte)'R'); // OrderedDict()
        var index = 0;
        foreach (var (key, value) in tensors)
        {
            using var scope = NewDisposeScope();
            var t = value.detach().cpu().contiguous();
            var storageName = StorageName(t.dtype);
            var storageKey = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var entry = zip.CreateEntry($"{archiveName}/data/{storageKey}", CompressionLevel.NoCompression);
            using (var s = entry.Open()) s.Write(t.bytes);

            WriteUnicode(p, key);
            WriteGlobal(p, "torch._utils", "_rebuild_tensor_v2");
            p.Write((byte)'('); // args tuple
            p.Write((byte)'('); // persistent id tuple
            WriteUnicode(p, "storage");
            WriteGlobal(p, "torch", storageName);
            WriteUnicode(p, storageKey);
            WriteUnicode(p, "cpu");
            WriteInt(p, t.numel());
            p.Write((byte)'t'); p.Write((byte)'Q'); // TUPLE, BINPERSID
            WriteInt(p, 0); // storage offset
            WriteLongTuple(p, t.shape);
            WriteLongTuple(p, t.stride());
            p.Write((byte)0x89); // requires_grad False
            WriteGlobal(p, "collections", "OrderedDict");
            p.Write((byte)')'); p.Write((byte)'R'); // backward hooks: OrderedDict()
            p.Write((byte)'t'); p.Write((byte)'R'); // TUPLE, REDUCE
            p.Write((byte)'s'); // SETITEM
            index++;
        }
        p.Write((byte)'.'); // STOP
        p.Flush();

        using (var s = zip.CreateEntry($"{archiveName}/data.pkl", CompressionLevel.NoCompression).Open()) s.Write(pickle.GetBuffer(), 0, (int)pickle.Length);
        using (var s = zip.CreateEntry($"{archiveName}/byteorder", CompressionLevel.NoCompression).Open()) s.Write("little"u8);
        using (var s = zip.CreateEntry($"{archiveName}/version", CompressionLevel.NoCompression).Open()) s.Write("3\n"u8);
    }

    private static void WriteGlobal(BinaryWriter p, string module, string name)
    {
        p.Write((byte)'c');
        p.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
    }

    private static void WriteUnicode(BinaryWriter p, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        p.Write((byte)'X');
        p.Write(bytes.Length);
        p.Write(bytes);
    }

    private static void WriteInt(BinaryWriter p, long value)
    {
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            p.Write((byte)'J');
            p.Write((int)value);
            return;
        }
        p.Write((byte)0x8a); p.Write((byte)8); // LONG1, 8 bytes little-endian two's complement
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, value);
        p.Write(b);
    }

    private static void WriteLongTuple(BinaryWriter p, long[] values)
    {
        p.Write((byte)'(');
        foreach (var v in values) WriteInt(p, v);
        p.Write((byte)'t');
    }

    private static string StorageName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => "DoubleStorage",
        ScalarType.Float32 => "FloatStorage",
        ScalarType.Float16 => "HalfStorage",
        ScalarType.BFloat16 => "BFloat16Storage",
        ScalarType.Int64 => "LongStorage",
        ScalarType.Int32 => "IntStorage",
        ScalarType.Int16 => "ShortStorage",
        ScalarType.Int8 => "CharStorage",
        ScalarType.Byte => "ByteStorage",
        ScalarType.Bool => "BoolStorage",
        ScalarType.ComplexFloat32 => "ComplexFloatStorage",
        ScalarType.ComplexFloat64 => "ComplexDoubleStorage",
        _ => throw new NotSupportedException($"dtype {dtype} cannot be written to a PyTorch file"),
    };
}
