using Oml.Losses;

namespace Oml.Miners;

/// <summary>
/// A miner built from a config block: either an index miner (<see cref="ITripletsMiner"/>: all_triplets,
/// hard_triplets, n_hard_triplets) or a tensor miner (<see cref="ITripletTensorMiner"/>: hard_cluster,
/// triplets_with_memory, miner_with_bank). Exactly one of <see cref="IndexMiner"/> and <see cref="TensorMiner"/> is set.
/// </summary>
public sealed class TripletMiner
{
    public TripletMiner(ITripletsMiner indexMiner)
    {
        IndexMiner = indexMiner ?? throw new ArgumentNullException(nameof(indexMiner));
    }

    public TripletMiner(ITripletTensorMiner tensorMiner)
    {
        TensorMiner = tensorMiner ?? throw new ArgumentNullException(nameof(tensorMiner));
    }

    public ITripletsMiner? IndexMiner { get; }

    public ITripletTensorMiner? TensorMiner { get; }

    /// <summary>The miner object itself (for type checks such as <c>is MinerWithBank</c>).</summary>
    public object Instance => (object?)IndexMiner ?? TensorMiner!;

    /// <summary>A <see cref="TripletLossWithMiner"/> that mines with this miner.</summary>
    public TripletLossWithMiner CreateLoss(double? margin, LossReduction reduction) =>
        IndexMiner is not null ? new TripletLossWithMiner(margin, IndexMiner, reduction) : new TripletLossWithMiner(margin, TensorMiner!, reduction);
}
