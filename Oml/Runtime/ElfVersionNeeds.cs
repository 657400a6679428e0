using System.Buffers.Binary;
using System.Text;

namespace Oml.Runtime;

/// <summary>
/// Reads the symbol-version requirements (<c>SHT_GNU_verneed</c>) of a 64-bit little-endian ELF file, and can mark
/// one requirement weak. That is how TorchSharp 0.107's <c>libLibTorchSharp.so</c>, built against GCC 13, loads on
/// Debian 12: its only use of <c>GLIBCXX_3.4.32</c> is a marker symbol that is never called.
/// </summary>
public static class ElfVersionNeeds
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    public static IReadOnlyList<ElfVersionNeed> Read(string path) => Walk(File.ReadAllBytes(path), null);

    /// <summary>
    /// Returns a copy of <paramref name="elf"/> in which requirement <paramref name="version"/> is weak, or null when
    /// the file has no such non-weak requirement (nothing to change).
    /// </summary>
    public static byte[]? WithWeakRequirement(byte[] elf, string version)
    {
        var copy = (byte[])elf.Clone();
        var changed = false;
        Walk(copy, (need, flagsOffset) =>
        {
            if (need.Version != version || need.IsWeak) return;
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(copy.AsSpan(flagsOffset));
            BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(flagsOffset), (ushort)(flags | VerFlagWeak));
            changed = true;
        });
        return changed ? copy : null;
    }

    private static List<ElfVersionNeed> Walk(byte[] d, Action<ElfVersionNeed, int>? visit)
    {
        var result = new List<ElfVersionNeed>();
        if (d.Length < 64 || d[0] != 0x7f || d[1] != 'E' || d[2] != 'L' || d[3] != 'F' || d[4] != 2 || d[5] != 1)
        {
            return result; // not a 64-bit little-endian ELF: nothing we can read
        }
        var span = d.AsSpan();
        var sectionTable = checked((int)BinaryPrimitives.ReadInt64LittleEndian(span[0x28..]));
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        int sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        for (var s = 0; s < sectionCount; s++)
        {
            var header = sectionTable + s * entrySize;
            if (BinaryPrimitives.ReadUInt32LittleEndian(span[(header + 4)..]) != ShtGnuVerneed) continue;
            var offset = checked((int)BinaryPrimitives.ReadInt64LittleEndian(span[(header + 24)..]));
            var link = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(header + 40)..]);
            var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(header + 44)..]);
            var strings = checked((int)BinaryPrimitives.ReadInt64LittleEndian(span[(sectionTable + link * entrySize + 24)..]));

            var need = offset;
            for (var n = 0; n < count; n++)
            {
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(span[(need + 2)..]);
                var library = ReadString(d, strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 4)..]));
                var aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 8)..]);
                for (var a = 0; a < auxCount; a++)
                {
                    var flags = BinaryPrimitives.ReadUInt16LittleEndian(span[(aux + 4)..]);
                    var name = ReadString(d, strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 8)..]));
                    var entry = new ElfVersionNeed(library, name, (flags & VerFlagWeak) != 0);
                    result.Add(entry);
                    visit?.Invoke(entry, aux + 4);
                    var nextAux = BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 12)..]);
                    if (nextAux == 0) break;
                    aux += (int)nextAux;
                }
                var next = BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 12)..]);
                if (next == 0) break;
                need += (int)next;
            }
        }
        return result;
    }

    private static string ReadString(byte[] d, int offset)
    {
        var end = offset;
        while (end < d.Length && d[end] != 0) end++;
        return Encoding.ASCII.GetString(d, offset, end - offset);
    }
}
