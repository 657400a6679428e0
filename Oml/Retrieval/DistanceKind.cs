namespace Oml.Retrieval;

/// <summary>How far apart two embeddings are (<c>metric_args.distance</c>).</summary>
public enum DistanceKind
{
    /// <summary><c>euclidean</c>: ||q - g||, OML's only distance (<c>torch.cdist(p=2)</c>).</summary>
    Euclidean,

    /// <summary><c>squared_euclidean</c>: ||q - g||^2 (same ranking as Euclidean, different values for thresholds and FNMR).</summary>
    SquaredEuclidean,

    /// <summary><c>cosine</c>: 1 - cos(q, g); embeddings are L2-normalised first.</summary>
    Cosine,
}
