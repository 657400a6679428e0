using System.Buffers.Binary;
using System.Numerics;
using Google.Protobuf;
using Tensorboard;

namespace Oml.Training;

/// <summary>
/// A TensorBoard event file of already encoded PNG images (TFRecord framing: length, masked CRC-32C of the length,
/// the <c>Event</c> protobuf, its masked CRC-32C). TorchSharp's <c>SummaryWriter.add_img(tag, file)</c> decodes and
/// re-encodes the file in managed code, about 250 ms per worst-query figure on 2 cores, at every validation; the
/// figure is a PNG already, so its bytes go into the <c>Summary.Image</c> as they are.
/// </summary>
public sealed class TensorBoardImageFile : IDisposable
{
    private readonly FileStream _stream;

    public TensorBoardImageFile(string directory)
    {
        Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, $"events.out.tfevents.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Environment.MachineName}.{Environment.ProcessId}.images");
        _stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        if (_stream.Length == 0) WriteEvent(new Event { WallTime = WallTime(), FileVersion = "brain.Event:2" });
    }

    public string Path { get; }

    /// <summary>Adds <paramref name="png"/> (<paramref name="width"/> x <paramref name="height"/>, RGB) under <paramref name="tag"/> at <paramref name="step"/>.</summary>
    public void Add(string tag, ReadOnlySpan<byte> png, int width, int height, long step)
    {
        var image = new Summary.Types.Image { Height = height, Width = width, Colorspace = 3, EncodedImageString = ByteString.CopyFrom(png) };
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = tag, Image = image });
        WriteEvent(new Event { WallTime = WallTime(), Step = step, Summary = summary });
        _stream.Flush();
    }

    public void Dispose() => _stream.Dispose();

    private static double WallTime() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private void WriteEvent(Event value)
    {
        var data = value.ToByteArray();
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc32C(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc32C(data));
        _stream.Write(header);
        _stream.Write(data);
        _stream.Write(footer);
    }

    /// <summary>TFRecord's checksum: CRC-32C, rotated right by 15 bits plus a constant.</summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = ~0u;
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        crc = ~crc;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }
}
