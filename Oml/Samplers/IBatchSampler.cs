namespace Oml.Samplers;

/// <summary>
/// Yields the batches of one epoch as lists of row indices into the train split (OML's <c>IBatchSampler</c>).
/// Deterministic: the batches of epoch <c>e</c> depend only on the sampler's seed and <c>e</c>,
/// so a resumed run sees the same batches as an uninterrupted one.
/// </summary>
public interface IBatchSampler
{
    /// <summary>How many batches <see cref="Epoch"/> returns (OML's <c>__len__</c>).</summary>
    int BatchesPerEpoch { get; }

    /// <summary>How many indices every batch holds.</summary>
    int BatchSize { get; }

    /// <summary>The batches of epoch <paramref name="epoch"/> (0-based), each an array of train-split indices.</summary>
    IReadOnlyList<int[]> Epoch(int epoch);
}
