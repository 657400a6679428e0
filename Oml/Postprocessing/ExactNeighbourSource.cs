using Oml.Retrieval;
using static TorchSharp.torch;

namespace Oml.Postprocessing;

/// <summary>Neighbour lists for k-reciprocal re-ranking from the streaming exact kNN (Euclidean), O(N * k) memory.</summary>
public sealed class ExactNeighbourSource(KnnOptions? options = null) : INeighbourSource
{
    public (int[][] Ids, float[][] Distances) Nearest(Tensor embeddings, int k)
    {
        var n = (int)embeddings.shape[0];
        var knn = ExactKnn.Search(embeddings, embeddings, Math.Min(k, n), DistanceKind.Euclidean, options: options);
        var ids = new int[n][];
        var distances = new float[n][];
        for (var row = 0; row < n; row++)
        {
            ids[row] = knn.Ids(row).ToArray();
            distances[row] = knn.Distances(row).ToArray();
            SelfFirst(row, ids[row], distances[row]);
        }
        return (ids, distances);
    }

    /// <summary>
    /// The matrix-product form leaves a row a hair away from itself (rounding, about 1e-3 for norms around 10), maybe
    /// behind an exact duplicate: the row itself goes first at its true distance 0, as the interface promises.
    /// </summary>
    private static void SelfFirst(int row, int[] ids, float[] distances)
    {
        var at = Array.IndexOf(ids, row);
        if (at < 0) at = ids.Length - 1; // not among the k nearest at all (only with many duplicates): drop the last
        for (var i = at; i > 0; i--)
        {
            ids[i] = ids[i - 1];
            distances[i] = distances[i - 1];
        }
        ids[0] = row;
        distances[0] = 0;
    }
}
