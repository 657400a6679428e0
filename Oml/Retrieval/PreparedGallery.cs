using static TorchSharp.torch;

namespace Oml.Retrieval;

/// <summary>
/// A gallery made ready for exact search once: float32 rows on a 64-byte boundary (L2-normalised for cosine) and their
/// squared norms. A service answering one query at a time keeps one and passes it to
/// <see cref="ExactKnn.Search(Tensor, PreparedGallery, int, RetrievalExclusions?, KnnOptions?, IDistanceObserver?)"/>,
/// so each request costs the matrix product and the selection, not a pass over the gallery to prepare it again.
/// </summary>
public sealed class PreparedGallery : IDisposable
{
    internal PreparedGallery(Tensor rows, float[] squaredNorms, DistanceKind distance)
    {
        Rows = rows;
        SquaredNorms = squaredNorms;
        Distance = distance;
    }

    internal Tensor Rows { get; }

    internal float[] SquaredNorms { get; }

    public DistanceKind Distance { get; }

    public int Count => (int)Rows.shape[0];

    public int Dimensions => (int)Rows.shape[1];

    public void Dispose() => Rows.Dispose();
}
