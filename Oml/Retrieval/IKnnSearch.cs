using static TorchSharp.torch;

namespace Oml.Retrieval;

/// <summary>
/// k-nearest-neighbour search of queries in a gallery, behind validation's retrieval and its metrics:
/// <see cref="ExactKnnSearch"/> (exact, streaming; the default) or <see cref="HnswKnnSearch"/> (an approximate
/// HNSW index, for galleries too large to scan). Config: the <c>retrieval</c> block; yours can be registered.
/// </summary>
public interface IKnnSearch
{
    /// <summary>
    /// The <paramref name="k"/> nearest gallery positions of every query (fewer when the gallery or the allowed items
    /// run out), nearest first with equal distances by gallery position, and never a pair that
    /// <paramref name="exclusions"/> excludes (a query's own row, its sequence).
    /// </summary>
    /// <param name="queries">[Q, D] on the CPU.</param>
    /// <param name="gallery">[G, D] on the CPU.</param>
    KnnResult Search(Tensor queries, Tensor gallery, int k, DistanceKind distance, RetrievalExclusions? exclusions = null);
}
