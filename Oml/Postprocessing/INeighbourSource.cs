using static TorchSharp.torch;

namespace Oml.Postprocessing;

/// <summary>
/// Exact nearest neighbours of a set of items among themselves (Euclidean distance), as the retrieval engine
/// computes them in bounded memory. Used by <see cref="KReciprocalReranker"/>.
/// </summary>
public interface INeighbourSource
{
    /// <summary>
    /// For each row of <paramref name="embeddings"/> [N, D]: its min(k, N) nearest rows among all N rows, nearest first,
    /// the row itself included (at rank 0 unless it has exact duplicates), with their distances.
    /// </summary>
    (int[][] Ids, float[][] Distances) Nearest(Tensor embeddings, int k);
}
