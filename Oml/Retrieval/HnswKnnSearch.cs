using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Retrieval;

/// <summary>
/// Approximate search through an HNSW index (USearch): <c>retrieval: {name: usearch, args: {...}}</c>. Each call
/// builds the index of its gallery (validation's embeddings change every epoch), then searches every query, with
/// the exclusions of <see cref="IKnnSearch.Search"/> kept. A search for the whole gallery (k at least its size) is
/// exact: an index has nothing to save there. Same inputs, same results (docs/approximate-retrieval.md).
/// </summary>
public sealed class HnswKnnSearch : IKnnSearch
{
    public HnswKnnSearch(HnswSettings? settings = null)
    {
        Settings = settings ?? HnswSettings.Default;
    }

    public HnswSettings Settings { get; }

    public KnnResult Search(Tensor queries, Tensor gallery, int k, DistanceKind distance, RetrievalExclusions? exclusions = null)
    {
        if (queries.dim() != 2 || gallery.dim() != 2 || queries.shape[1] != gallery.shape[1])
        {
            throw new OmlException($"embeddings must be [N, D] matrices of one width: queries are [{string.Join(", ", queries.shape)}], galleries [{string.Join(", ", gallery.shape)}]");
        }
        if (k < 1) throw new OmlException($"the number of neighbours must be at least 1, got {k}");
        var galleryCount = (int)gallery.shape[0];
        if (k >= galleryCount || galleryCount == 0) return ExactKnn.Search(queries, gallery, k, distance, exclusions);
        var dimension = (int)gallery.shape[1];
        using var index = HnswIndex.Build(Floats(gallery), dimension, distance, Settings);
        return ExcludingSearch.Run(index, Floats(queries), k, exclusions);
    }

    private static float[] Floats(Tensor x)
    {
        if (x.device_type != DeviceType.CPU) throw new ArgumentException("HnswKnnSearch works on CPU tensors; move embeddings to the CPU first");
        using var values = x.to(ScalarType.Float32).contiguous();
        return values.data<float>().ToArray();
    }
}
