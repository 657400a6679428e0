using static TorchSharp.torch;

namespace Oml.Retrieval;

/// <summary>The exact streaming search (<see cref="ExactKnn"/>) as an <see cref="IKnnSearch"/>: <c>retrieval: {name: exact}</c>.</summary>
/// <param name="options">Chunk sizes and threads; null for the defaults (or, in <see cref="EmbeddingRetrieval"/>, the caller's).</param>
public sealed class ExactKnnSearch(KnnOptions? options = null) : IKnnSearch
{
    public KnnOptions? Options { get; } = options;

    public KnnResult Search(Tensor queries, Tensor gallery, int k, DistanceKind distance, RetrievalExclusions? exclusions = null) =>
        ExactKnn.Search(queries, gallery, k, distance, exclusions, Options);
}
