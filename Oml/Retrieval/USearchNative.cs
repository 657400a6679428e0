using System.Runtime.InteropServices;

namespace Oml.Retrieval;

/// <summary>
/// The C API of USearch 2.26.6 (<c>libusearch_c</c>, shipped in the <c>Cloud.Unum.USearch</c> package). Called
/// directly rather than through the package's managed <c>USearchIndex</c>, which hides what determinism and
/// measurement need: the thread slots of the build and the search, <c>expansion_search</c> after construction or
/// loading, and the index's memory use. Layouts and enum values are the ones the package's own binding declares.
/// </summary>
internal static partial class USearchNative
{
    private const string Library = "libusearch_c";

    public const uint MetricCos = 1;
    public const uint MetricL2sq = 3;

    public const uint ScalarFloat32 = 1;
    public const uint ScalarFloat16 = 3;
    public const uint ScalarInt8 = 4;

    /// <summary><c>usearch_init_options_t</c>; 0 means USearch's default for the sizes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct InitOptions
    {
        public uint MetricKind;
        public IntPtr Metric;
        public uint Quantization;
        public ulong Dimensions;
        public ulong Connectivity;
        public ulong ExpansionAdd;
        public ulong ExpansionSearch;
        public byte Multi;
    }

    [LibraryImport(Library, EntryPoint = "usearch_version")]
    public static partial IntPtr Version();

    [LibraryImport(Library, EntryPoint = "usearch_init")]
    public static partial USearchHandle Init(ref InitOptions options, out IntPtr error);

    /// <summary>An empty index whose settings come from the file it then loads.</summary>
    [LibraryImport(Library, EntryPoint = "usearch_init")]
    public static partial USearchHandle InitEmpty(IntPtr options, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_free")]
    public static partial void Free(IntPtr index, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_save", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void Save(USearchHandle index, string path, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_load", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void Load(USearchHandle index, string path, out IntPtr error);

    /// <summary>The settings stored in an index file (metric, quantization, dimension, connectivity), without loading it.</summary>
    [LibraryImport(Library, EntryPoint = "usearch_metadata", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void Metadata(string path, ref InitOptions options, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_size")]
    public static partial nuint Size(USearchHandle index, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_dimensions")]
    public static partial nuint Dimensions(USearchHandle index, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_connectivity")]
    public static partial nuint Connectivity(USearchHandle index, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_expansion_add")]
    public static partial nuint ExpansionAdd(USearchHandle index, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_expansion_search")]
    public static partial nuint ExpansionSearch(USearchHandle index, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_memory_usage")]
    public static partial nuint MemoryUsage(USearchHandle index, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_reserve")]
    public static partial void Reserve(USearchHandle index, nuint capacity, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_add")]
    public static partial void ChangeThreadsAdd(USearchHandle index, nuint threads, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_search")]
    public static partial void ChangeThreadsSearch(USearchHandle index, nuint threads, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_change_expansion_search")]
    public static partial void ChangeExpansionSearch(USearchHandle index, nuint expansion, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_add")]
    public static unsafe partial void Add(USearchHandle index, ulong key, float* vector, uint vectorKind, out IntPtr error);

    [LibraryImport(Library, EntryPoint = "usearch_search")]
    public static unsafe partial nuint Search(USearchHandle index, float* query, uint queryKind, nuint count, ulong* keys, float* distances, out IntPtr error);

    /// <summary>Throws when a call reported an error (USearch's message, prefixed with what was being done).</summary>
    public static void Check(IntPtr error, string doing)
    {
        if (ErrorText(error) is { } text) throw new InvalidOperationException($"USearch failed to {doing}: {text}");
    }

    /// <summary>USearch's message for a call that failed, or null when it did not.</summary>
    public static string? ErrorText(IntPtr error) => error == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(error) ?? "unknown error";

    public static string VersionText() => Marshal.PtrToStringUTF8(Version()) ?? "unknown";
}
