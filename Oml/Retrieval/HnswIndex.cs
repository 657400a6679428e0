using Oml.IO;

namespace Oml.Retrieval;

/// <summary>
/// An approximate nearest-neighbour index (HNSW, by the USearch library) over float32 vectors whose keys are their
/// row numbers 0..N-1. Its distances are this library's: Euclidean is USearch's squared L2 under a square root,
/// squared Euclidean is squared L2, cosine is USearch's 1 - cos (vectors need not be normalised).
/// <para>
/// Deterministic: <see cref="Build"/> inserts the rows one after another, in row order, from one thread slot, so the
/// same rows and settings give the same graph (and the same file) with the same USearch on the same kind of CPU (it
/// picks its distance kernels per CPU); searching does not change the graph, so the same query always gets the same
/// answer, whatever thread asks.
/// See docs/approximate-retrieval.md.
/// </para>
/// </summary>
public sealed class HnswIndex : IDisposable
{
    private readonly USearchHandle _handle;
    private readonly SemaphoreSlim _searchSlots;
    private int _expansionSearch;

    private HnswIndex(USearchHandle handle, DistanceKind distance, int dimension, int count, IndexQuantization quantization)
    {
        _handle = handle;
        Distance = distance;
        Dimension = dimension;
        Count = count;
        Quantization = quantization;
        Connectivity = (int)USearchNative.Connectivity(handle, out var error);
        USearchNative.Check(error, "read the connectivity");
        _expansionSearch = (int)USearchNative.ExpansionSearch(handle, out error);
        USearchNative.Check(error, "read expansion_search");
        // one slot per core for concurrent searches; the build has already run in a single slot
        SearchThreads = Math.Max(1, Environment.ProcessorCount);
        USearchNative.ChangeThreadsSearch(handle, (nuint)SearchThreads, out error);
        USearchNative.Check(error, "reserve search threads");
        _searchSlots = new SemaphoreSlim(SearchThreads, SearchThreads);
    }

    public DistanceKind Distance { get; }

    public int Dimension { get; }

    /// <summary>Number of vectors (keys 0..Count-1).</summary>
    public int Count { get; }

    public int Connectivity { get; }

    public IndexQuantization Quantization { get; }

    /// <summary>How many searches may run at once (one per core); more callers wait for a slot.</summary>
    public int SearchThreads { get; }

    /// <summary>
    /// Candidates a search keeps (ef): more gives higher recall and slower searches. USearch does not save it in its
    /// file, so a loaded index starts with the value given to <see cref="Load"/>.
    /// </summary>
    public int ExpansionSearch
    {
        get => _expansionSearch;
        set
        {
            if (value < 1) throw new OmlException($"expansion_search = {value} is not valid: expected an integer >= 1");
            USearchNative.ChangeExpansionSearch(_handle, (nuint)value, out var error);
            USearchNative.Check(error, "change expansion_search");
            _expansionSearch = value;
        }
    }

    /// <summary>Bytes the index holds in memory as USearch counts them (graph and vectors).</summary>
    public long MemoryBytes
    {
        get
        {
            var bytes = USearchNative.MemoryUsage(_handle, out var error);
            USearchNative.Check(error, "report its memory usage");
            return (long)bytes;
        }
    }

    /// <summary>The version of the native USearch library (e.g. 2.26.6).</summary>
    public static string LibraryVersion => USearchNative.VersionText();

    /// <summary>
    /// Builds the index of <paramref name="rows"/> ([N, <paramref name="dimension"/>], row-major; key i = row i),
    /// inserting them in order from one thread. <paramref name="progress"/> hears the number of rows inserted, every
    /// 10,000 rows and at the end.
    /// </summary>
    public static HnswIndex Build(ReadOnlySpan<float> rows, int dimension, DistanceKind distance, HnswSettings settings, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (dimension < 1 || rows.Length % dimension != 0)
        {
            throw new ArgumentException($"{rows.Length} values are not rows of width {dimension}");
        }
        settings.Validate(distance, "the index settings");
        var count = rows.Length / dimension;
        VectorChecks.ThrowIfNotFinite(rows, dimension, "gallery");
        var options = new USearchNative.InitOptions
        {
            MetricKind = distance == DistanceKind.Cosine ? USearchNative.MetricCos : USearchNative.MetricL2sq,
            Quantization = ScalarKind(settings.Quantization),
            Dimensions = (ulong)dimension,
            Connectivity = (ulong)settings.Connectivity,
            ExpansionAdd = (ulong)settings.ExpansionAdd,
            ExpansionSearch = (ulong)settings.ExpansionSearch,
        };
        var handle = USearchNative.Init(ref options, out var error);
        try
        {
            USearchNative.Check(error, "create an index");
            USearchNative.Reserve(handle, (nuint)Math.Max(count, 1), out error);
            USearchNative.Check(error, $"reserve room for {count} vectors");
            // reserving resets the thread slots to the core count: back to one, so every insertion draws from the same slot
            USearchNative.ChangeThreadsAdd(handle, 1, out error);
            USearchNative.Check(error, "set one insertion thread");
            USearchNative.ChangeThreadsSearch(handle, 1, out error);
            USearchNative.Check(error, "set one search thread");
            Insert(handle, rows, dimension, progress);
            return new HnswIndex(handle, distance, dimension, count, settings.Quantization);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static unsafe void Insert(USearchHandle handle, ReadOnlySpan<float> rows, int dimension, IProgress<int>? progress)
    {
        var count = rows.Length / dimension;
        fixed (float* start = rows)
        {
            for (var i = 0; i < count; i++)
            {
                USearchNative.Add(handle, (ulong)i, start + (long)i * dimension, USearchNative.ScalarFloat32, out var error);
                USearchNative.Check(error, $"add row {i}");
                if ((i + 1) % 10_000 == 0) progress?.Report(i + 1);
            }
        }
        progress?.Report(count);
    }

    /// <summary>
    /// Reads an index that <see cref="Save"/> wrote. USearch's file holds the graph, the vectors, the metric, the
    /// quantization and the dimension, not <paramref name="distance"/> (Euclidean and squared Euclidean share a
    /// metric) nor expansion_search; the caller keeps those (<see cref="GalleryIndex"/> does, in its sidecar).
    /// </summary>
    public static HnswIndex Load(string path, DistanceKind distance, int expansionSearch)
    {
        if (!File.Exists(path)) throw new OmlException($"{path}: index file not found");
        var full = Path.GetFullPath(path);
        var stored = new USearchNative.InitOptions();
        USearchNative.Metadata(full, ref stored, out var error);
        if (USearchNative.ErrorText(error) is { } unreadable)
        {
            throw new OmlException($"{path} is not a USearch index that this version ({LibraryVersion}) can read: {unreadable}");
        }
        var expectedMetric = distance == DistanceKind.Cosine ? USearchNative.MetricCos : USearchNative.MetricL2sq;
        if (stored.MetricKind != expectedMetric)
        {
            throw new OmlException($"{path} was built for another distance than {DistanceKinds.Name(distance)} " +
                                   $"(USearch metric {stored.MetricKind}: {(stored.MetricKind == USearchNative.MetricCos ? "cosine" : "another")}); rebuild it or give its distance");
        }
        var handle = USearchNative.InitEmpty(IntPtr.Zero, out error);
        try
        {
            USearchNative.Check(error, "create an index");
            USearchNative.Load(handle, full, out error);
            if (USearchNative.ErrorText(error) is { } problem)
            {
                throw new OmlException($"{path} is not a USearch index that this version ({LibraryVersion}) can read: {problem}");
            }
            var dimension = (int)USearchNative.Dimensions(handle, out error);
            USearchNative.Check(error, "read the dimension");
            var count = (int)USearchNative.Size(handle, out error);
            USearchNative.Check(error, "read the size");
            var index = new HnswIndex(handle, distance, dimension, count, QuantizationOf(stored.Quantization, path));
            index.ExpansionSearch = expansionSearch;
            return index;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Writes the index to <paramref name="path"/> atomically: a temporary file in the same folder, renamed over it.</summary>
    public void Save(string path) =>
        AtomicFile.WriteFile(path, temp =>
        {
            USearchNative.Save(_handle, temp, out var error);
            if (USearchNative.ErrorText(error) is { } problem) throw new IOException(problem);
        });

    /// <summary>
    /// The nearest keys of <paramref name="query"/>, as many as <paramref name="keys"/> holds (fewer when the index
    /// has fewer), nearest first and equal distances by key; returns how many were found.
    /// </summary>
    public unsafe int Search(ReadOnlySpan<float> query, Span<int> keys, Span<float> distances)
    {
        if (query.Length != Dimension) throw new OmlException($"a query has {query.Length} values but the index holds vectors of dimension {Dimension}");
        if (distances.Length < keys.Length) throw new ArgumentException("distances must be at least as long as keys");
        VectorChecks.ThrowIfNotFinite(query, Dimension, "query");
        var count = keys.Length;
        if (count == 0) return 0;
        Span<ulong> found = count <= 512 ? stackalloc ulong[count] : new ulong[count];
        nuint n;
        _searchSlots.Wait();
        try
        {
            fixed (float* q = query)
            fixed (ulong* k = found)
            fixed (float* d = distances)
            {
                n = USearchNative.Search(_handle, q, USearchNative.ScalarFloat32, (nuint)count, k, d, out var error);
                USearchNative.Check(error, "search");
            }
        }
        finally
        {
            _searchSlots.Release();
        }
        var result = (int)n;
        for (var i = 0; i < result; i++)
        {
            keys[i] = checked((int)found[i]);
            distances[i] = ToDistance(distances[i]);
        }
        SortByDistanceThenKey(keys[..result], distances[..result]);
        return result;
    }

    /// <summary>USearch's distance as this library's: at least 0 (rounding), and the root of squared L2 for Euclidean.</summary>
    private float ToDistance(float usearchDistance)
    {
        var d = MathF.Max(usearchDistance, 0f);
        return Distance == DistanceKind.Euclidean ? MathF.Sqrt(d) : d;
    }

    /// <summary>USearch returns its results by distance; equal distances are put in key order (insertion sort: already nearly sorted).</summary>
    private static void SortByDistanceThenKey(Span<int> keys, Span<float> distances)
    {
        for (var i = 1; i < keys.Length; i++)
        {
            var (key, distance) = (keys[i], distances[i]);
            var j = i - 1;
            for (; j >= 0 && (distances[j] > distance || (distances[j] == distance && keys[j] > key)); j--)
            {
                keys[j + 1] = keys[j];
                distances[j + 1] = distances[j];
            }
            keys[j + 1] = key;
            distances[j + 1] = distance;
        }
    }

    private static IndexQuantization QuantizationOf(uint scalarKind, string path) => scalarKind switch
    {
        USearchNative.ScalarFloat32 => IndexQuantization.Float32,
        USearchNative.ScalarFloat16 => IndexQuantization.Float16,
        USearchNative.ScalarInt8 => IndexQuantization.Int8,
        _ => throw new OmlException($"{path} stores its vectors as USearch scalar kind {scalarKind}; this library reads f32, f16 and i8 indexes"),
    };

    private static uint ScalarKind(IndexQuantization quantization) => quantization switch
    {
        IndexQuantization.Float32 => USearchNative.ScalarFloat32,
        IndexQuantization.Float16 => USearchNative.ScalarFloat16,
        IndexQuantization.Int8 => USearchNative.ScalarInt8,
        _ => throw new ArgumentOutOfRangeException(nameof(quantization)),
    };

    public void Dispose()
    {
        _handle.Dispose();
        _searchSlots.Dispose();
    }
}
