namespace Oml.Postprocessing;

/// <summary>What a pairwise model compares: the two items' embeddings, or their images (it runs an extractor itself).</summary>
public enum PairwiseInput
{
    Embeddings,
    Images,
}
