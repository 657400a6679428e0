using System.Buffers.Binary;
using System.Text;
using Oml.IO;

namespace Oml.Tests.IO;

public sealed class NpyFileTests : TempDirectoryTest
{
    /// <summary>A .npy file as numpy writes it: magic, version, header length, a padded dict header, raw data.</summary>
    private string Write(string name, string descr, bool fortran, string shape, byte[] data, int version = 1)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        var prefix = version == 1 ? 10 : 12;
        header += new string(' ', (64 - (prefix + header.Length + 1) % 64) % 64) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.Add((byte)version);
        bytes.Add(0);
        if (version == 1) bytes.AddRange(BitConverter.GetBytes((ushort)header.Length));
        else bytes.AddRange(BitConverter.GetBytes((uint)header.Length));
        bytes.AddRange(Encoding.Latin1.GetBytes(header));
        bytes.AddRange(data);
        var path = Dir.File(name);
        File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }

    private static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    [Fact]
    public void WriteThenReadRoundTrips()
    {
        var path = Dir.File("e.npy");
        NpyFile.WriteMatrix(path, new NpyArray([1, 2, 3, 4, 5, 6], 2, 3));
        var array = NpyFile.ReadMatrix(path);
        Assert.Equal((2, 3), (array.Rows, array.Columns));
        Assert.Equal([1f, 2, 3, 4, 5, 6], array.Data);
        Assert.Equal(0, (new FileInfo(path).Length - 6 * sizeof(float)) % 64); // numpy pads the header to 64 bytes
    }

    [Fact]
    public void ReadsFloat64Version2AndFortranOrder()
    {
        var doubles = new double[] { 1, 4, 2, 5, 3, 6 }.SelectMany(BitConverter.GetBytes).ToArray(); // column-major of [[1,2,3],[4,5,6]]
        var array = NpyFile.ReadMatrix(Write("f.npy", "<f8", fortran: true, "(2, 3)", doubles, version: 2));
        Assert.Equal([1f, 2, 3, 4, 5, 6], array.Data);
    }

    [Fact]
    public void ReadsBigEndianFloat32()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(data, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(data.AsSpan(4), -2f);
        Assert.Equal([1.5f, -2f], NpyFile.ReadMatrix(Write("b.npy", ">f4", false, "(1, 2)", data)).Data);
    }

    [Theory]
    [InlineData("<i8", "(2, 1)", "dtype '<i8' is not supported; expected float32 or float64")]
    [InlineData("<f4", "(4,)", "the array has shape (4), expected 2 dimensions [N, D]")]
    [InlineData("<f4", "(2, 3)", "the header says 2 x 3 values of 4 bytes (24 bytes) but the file holds 16 bytes")]
    public void WrongDtypeShapeOrSizeIsAClearError(string descr, string shape, string message)
    {
        var path = Write("x.npy", descr, false, shape, Floats(1, 2, 3, 4));
        var e = Assert.Throws<OmlException>(() => NpyFile.ReadMatrix(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void NotAnNpyFileIsAClearError()
    {
        var path = Dir.Write("t.npy", "label,path\n");
        Assert.Contains("is not a NumPy .npy file", Assert.Throws<OmlException>(() => NpyFile.ReadMatrix(path)).Message);
        Assert.Contains("file not found", Assert.Throws<OmlException>(() => NpyFile.ReadMatrix(Dir.File("none.npy"))).Message);
    }
}
