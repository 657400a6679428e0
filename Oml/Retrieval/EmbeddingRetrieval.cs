using static TorchSharp.torch;

namespace Oml.Retrieval;

/// <summary>Retrieval over a validation set's embeddings: every query against the gallery, with OML's exclusions.</summary>
public static class EmbeddingRetrieval
{
    /// <param name="embeddings">[N, D], one row per row of <paramref name="setup"/>.</param>
    /// <param name="topN">How many items to retrieve per query (at most the gallery size).</param>
    /// <param name="groundTruth">The setup's ground truth when the caller has it already.</param>
    public static RetrievalResults Run(
        Tensor embeddings,
        RetrievalSetup setup,
        int topN,
        DistanceKind distance = DistanceKind.Euclidean,
        KnnOptions? options = null,
        IDistanceObserver? observer = null,
        int[][]? groundTruth = null)
    {
        if (embeddings.dim() != 2 || embeddings.shape[0] != setup.RowCount)
        {
            throw new OmlException($"embeddings are [{string.Join(", ", embeddings.shape)}] but the validation set has {setup.RowCount} rows: expected [{setup.RowCount}, D]");
        }
        using var scope = NewDisposeScope();
        using var queryIndex = tensor(setup.QueryRows.Select(i => (long)i).ToArray());
        using var galleryIndex = tensor(setup.GalleryRows.Select(i => (long)i).ToArray());
        var queries = embeddings.index_select(0, queryIndex);
        var gallery = embeddings.index_select(0, galleryIndex);
        var knn = ExactKnn.Search(queries, gallery, topN, distance, setup.Exclusions, options, observer);

        var retrieved = new int[knn.QueryCount][];
        var distances = new float[knn.QueryCount][];
        for (var q = 0; q < knn.QueryCount; q++)
        {
            retrieved[q] = knn.Ids(q).ToArray();
            distances[q] = knn.Distances(q).ToArray();
        }
        return new RetrievalResults(retrieved, distances, groundTruth ?? setup.GroundTruth(), setup.QueryRows, setup.GalleryRows);
    }
}
