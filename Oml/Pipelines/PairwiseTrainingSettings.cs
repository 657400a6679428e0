using Oml.Registries;

namespace Oml.Pipelines;

/// <summary>
/// What <c>oml train-postprocessor</c> reads besides the keys it shares with <c>oml train</c> (OML's
/// <c>oml/lightning/pipelines/train_postprocessor.py: postprocessor_training_pipeline</c>): the pairwise model it trains
/// (the one inside <c>postprocessor.args.pairwise_model</c>, as OML trains <c>postprocessor.model</c>), how pairs are
/// mined, and where the baseline extractor's embeddings are cached.
/// </summary>
public sealed record PairwiseTrainingSettings
{
    /// <summary>The <c>pairwise_reranker</c>'s <c>pairwise_model</c> block: the model being trained.</summary>
    public required ConfigBlock PairwiseModel { get; init; }

    /// <summary><c>hard_pairs_mining</c>: pairs from the hardest triplets of a batch (true) or from all of them.</summary>
    public bool HardPairsMining { get; init; } = true;

    /// <summary><c>embeddings_cache_dir</c>: where the extractor's embeddings are kept between runs; null computes them every run.</summary>
    public string? EmbeddingsCacheDir { get; init; }
}
