using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Oml.Benchmarks;

/// <summary>
/// The data of <c>index-scale</c>, made the same way in every process from its parameters (so nothing is written to
/// disk): SOP-like classes of <see cref="ImagesPerClass"/> gallery items, class centre ~ N(0, I) plus N(0, noise^2 I)
/// per item, and held-out queries: new items of the same classes, spread evenly over them. Generated in blocks into
/// tensors that LibTorch allocated (64-byte aligned, so the exact search uses them as they are, where a tensor over
/// a .NET array would be copied whole on every search); the index reads the same memory as spans.
/// </summary>
internal sealed class IndexScaleData : IDisposable
{
    public const int ImagesPerClass = 10;
    /// <summary>The <c>retrieval</c> benchmark's noise: cmc@1 about 0.86 at 100 000 items; isotropic, so a hard case for a graph index.</summary>
    public const float DefaultNoise = 1.3f;
    public const ulong Seed = 20261207;
    private const int BlockRows = 65_536;

    private IndexScaleData(Tensor gallery, Tensor queries, float noise)
    {
        Noise = noise;
        Gallery = gallery;
        Queries = queries;
    }

    /// <summary>[G, D]; item i belongs to class i / <see cref="ImagesPerClass"/>.</summary>
    public Tensor Gallery { get; }

    /// <summary>[Q, D]; query j belongs to class j * classes / Q.</summary>
    public Tensor Queries { get; }

    public float Noise { get; }

    public int GalleryCount => (int)Gallery.shape[0];

    public int QueryCount => (int)Queries.shape[0];

    public int Dimension => (int)Gallery.shape[1];

    public ReadOnlySpan<float> GalleryValues => MemoryMarshal.Cast<byte, float>(Gallery.bytes);

    public ReadOnlySpan<float> Query(int row) => MemoryMarshal.Cast<byte, float>(Queries.bytes).Slice(row * Dimension, Dimension);

    public static IndexScaleData Make(int galleryCount, int queryCount, int dimension, float noise)
    {
        var generator = new Generator(Seed);
        var classes = galleryCount / ImagesPerClass;
        using var centres = randn([classes, dimension], generator: generator);
        var gallery = Items(centres, galleryCount, dimension, noise, row => row / ImagesPerClass, generator);
        var queries = Items(centres, queryCount, dimension, noise, row => (long)row * classes / queryCount, generator);
        return new IndexScaleData(gallery, queries, noise);
    }

    private static Tensor Items(Tensor centres, int count, int dimension, float noise, Func<int, long> classOf, Generator generator)
    {
        var items = empty([count, dimension], ScalarType.Float32);
        for (var start = 0; start < count; start += BlockRows)
        {
            using var scope = NewDisposeScope();
            var rows = Math.Min(BlockRows, count - start);
            var labels = tensor(Enumerable.Range(start, rows).Select(classOf).ToArray());
            var block = centres.index_select(0, labels) + noise * randn([rows, dimension], generator: generator);
            items.narrow(0, start, rows).copy_(block);
        }
        return items;
    }

    public void Dispose()
    {
        Gallery.Dispose();
        Queries.Dispose();
    }
}
