using static TorchSharp.torch;

namespace Oml.Retrieval;

/// <summary>
/// Retrieval over a validation set's embeddings: every query against the gallery, with OML's exclusions, by the exact
/// streaming search or another <see cref="IKnnSearch"/>.
/// </summary>
public static class EmbeddingRetrieval
{
    /// <param name="embeddings">[N, D], one row per row of <paramref name="setup"/>.</param>
    /// <param name="topN">How many items to retrieve per query (at most the gallery size).</param>
    /// <param name="groundTruth">The setup's ground truth when the caller has it already.</param>
    /// <param name="observer">Sees every distance of the exact search; only with the exact search.</param>
    /// <param name="search">null or an <see cref="ExactKnnSearch"/>: the exact streaming search (with <paramref name="options"/>
    /// unless the search has its own); anything else searches as it does.</param>
    public static RetrievalResults Run(
        Tensor embeddings,
        RetrievalSetup setup,
        int topN,
        DistanceKind distance = DistanceKind.Euclidean,
        KnnOptions? options = null,
        IDistanceObserver? observer = null,
        int[][]? groundTruth = null,
        IKnnSearch? search = null)
    {
        if (observer is not null && search is not (null or ExactKnnSearch))
        {
            throw new ArgumentException("a distance observer sees the exact search's distances only; run the exact search for it", nameof(observer));
        }
        if (embeddings.dim() != 2 || embeddings.shape[0] != setup.RowCount)
        {
            throw new OmlException($"embeddings are [{string.Join(", ", embeddings.shape)}] but the validation set has {setup.RowCount} rows: expected [{setup.RowCount}, D]");
        }
        using var scope = NewDisposeScope();
        var queries = Rows(embeddings, setup.QueryRows);
        var gallery = Rows(embeddings, setup.GalleryRows);
        var knn = search is null or ExactKnnSearch
            ? ExactKnn.Search(queries, gallery, topN, distance, setup.Exclusions, (search as ExactKnnSearch)?.Options ?? options, observer)
            : search.Search(queries, gallery, topN, distance, setup.Exclusions);

        var retrieved = new int[knn.QueryCount][];
        var distances = new float[knn.QueryCount][];
        for (var q = 0; q < knn.QueryCount; q++)
        {
            retrieved[q] = knn.Ids(q).ToArray();
            distances[q] = knn.Distances(q).ToArray();
        }
        return new RetrievalResults(retrieved, distances, groundTruth ?? setup.GroundTruth(), setup.QueryRows, setup.GalleryRows);
    }

    /// <summary>The given rows; all rows in order (the "1 vs rest" protocol) without a copy.</summary>
    internal static Tensor Rows(Tensor embeddings, int[] rows)
    {
        var all = rows.Length == embeddings.shape[0] && rows.Select((r, i) => r == i).All(same => same);
        return all ? embeddings.alias() : embeddings.index_select(0, tensor(rows.Select(i => (long)i).ToArray()));
    }
}
