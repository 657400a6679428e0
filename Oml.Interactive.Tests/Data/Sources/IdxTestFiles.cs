using System.Buffers.Binary;
using System.IO.Compression;

namespace Oml.Tests.Data.Sources;

/// <summary>Writes small IDX files (gzip or plain) with known contents for the importer tests.</summary>
internal static class IdxTestFiles
{
    public static byte[] Pixels(int image) =>
        Enumerable.Range(0, 28 * 28).Select(p => (byte)((image * 37 + p * 3 + p / 28) % 256)).ToArray();

    /// <summary>A Fashion-MNIST-like folder: <paramref name="trainCount"/> and <paramref name="testCount"/> images, labels i % 10.</summary>
    public static void WriteFashionMnist(string folder, int trainCount = 30, int testCount = 10)
    {
        Directory.CreateDirectory(folder);
        WriteImages(Path.Combine(folder, "train-images-idx3-ubyte.gz"), Enumerable.Range(0, trainCount).Select(Pixels).ToArray());
        WriteLabels(Path.Combine(folder, "train-labels-idx1-ubyte.gz"), Enumerable.Range(0, trainCount).Select(i => (byte)(i % 10)).ToArray());
        WriteImages(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), Enumerable.Range(1000, testCount).Select(Pixels).ToArray());
        WriteLabels(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), Enumerable.Range(0, testCount).Select(i => (byte)(i % 10)).ToArray());
    }

    public static void WriteImages(string path, byte[][] images, int magic = 0x00000803, bool gzip = true) =>
        Write(path, magic, [images.Length, 28, 28], images.SelectMany(i => i).ToArray(), gzip);

    public static void WriteLabels(string path, byte[] labels, int magic = 0x00000801, bool gzip = true) =>
        Write(path, magic, [labels.Length], labels, gzip);

    public static void Write(string path, int magic, int[] dimensions, byte[] data, bool gzip = true)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (var d = 0; d < dimensions.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dimensions[d]);
        data.CopyTo(bytes, 4 + 4 * dimensions.Length);
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return;
        }
        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(bytes);
    }
}
