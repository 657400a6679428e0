namespace Oml.Tests.Visualization;

/// <summary>
/// Eight validation rows whose retrieval is known, for the retrieval views: 1-d embeddings = label, except row 5
/// (label 2), which sits next to label 0; rows 6-7 (label 3) share a sequence, so they have no ground truth.
/// </summary>
internal static class KnownRetrieval
{
    public static readonly long[] Labels = [0, 0, 1, 1, 2, 2, 3, 3];

    public static readonly float[] Embeddings = [0, 0.1f, 1, 1.1f, 2, 0.04f, 5, 5.1f];

    /// <summary>The embeddings as an [8, 1] tensor.</summary>
    public static Tensor EmbeddingTensor() => tensor(Embeddings, [Embeddings.Length, 1]);

    /// <summary>The sequence of row <paramref name="row"/>: its own, except rows 6 and 7, which share one.</summary>
    public static string Sequence(int row) => row >= 6 ? "shared" : $"s{row}";
}
