using System.Buffers.Binary;
using Oml.Training;
using Tensorboard;

namespace Oml.Tests.Training;

/// <summary>Worst-query figures in TensorBoard: TFRecord framing with checksums, the PNG bytes as they are.</summary>
public sealed class TensorBoardImageFileTests : TempDirectoryTest
{
    [Fact]
    public void TheChecksumIsCrc32CMaskedAsTfRecordSays()
    {
        const uint crc = 0xE3069283; // CRC-32C of "123456789", the standard check value
        Assert.Equal(((crc >> 15) | (crc << 17)) + 0xa282ead8u, TensorBoardImageFile.MaskedCrc32C("123456789"u8));
    }

    [Fact]
    public void ImagesAreWrittenAsEventsTensorBoardCanRead()
    {
        byte[] first = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3], second = [0x89, 0x50, 0x4E, 0x47, 9];
        string path;
        using (var file = new TensorBoardImageFile(Dir.File("tb")))
        {
            file.Add("image_logs/top_5_worst_by_OVERALL_cmc_1", first, width: 30, height: 20, step: 7);
            file.Add("image_logs/top_5_worst_by_OVERALL_map_5", second, width: 3, height: 2, step: 9);
            path = file.Path;
        }
        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(path), StringComparison.Ordinal);

        var events = ReadRecords(File.ReadAllBytes(path)).Select(Event.Parser.ParseFrom).ToArray();
        Assert.Equal(3, events.Length);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var image = events[1].Summary.Value.Single();
        Assert.Equal(("image_logs/top_5_worst_by_OVERALL_cmc_1", 7L, 30, 20, 3), (image.Tag, events[1].Step, image.Image.Width, image.Image.Height, image.Image.Colorspace));
        Assert.Equal(first, image.Image.EncodedImageString.ToByteArray());
        Assert.Equal(second, events[2].Summary.Value.Single().Image.EncodedImageString.ToByteArray());
    }

    /// <summary>Splits a TFRecord file into its records, checking both checksums of each.</summary>
    private static IEnumerable<byte[]> ReadRecords(byte[] bytes)
    {
        for (var at = 0; at < bytes.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            Assert.Equal(TensorBoardImageFile.MaskedCrc32C(bytes.AsSpan(at, 8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)));
            var data = bytes.AsSpan(at + 12, length).ToArray();
            Assert.Equal(TensorBoardImageFile.MaskedCrc32C(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + length)));
            yield return data;
            at += 12 + length + 4;
        }
    }
}
