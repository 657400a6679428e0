using Oml.Miners;
using static TorchSharp.torch;

namespace Oml.Benchmarks;

/// <summary>
/// The triplet loss's gather form, to measure it against the distance-matrix form that <c>TripletLossWithMiner</c>
/// takes for row-picking miners: mines with <paramref name="rows"/> and hands the loss the gathered [T, D] anchor,
/// positive and negative rows without their ids (<c>MinedTriplets.FromIds</c> then <c>LossFunctions.Triplet</c>,
/// the path every miner took before), so the loss cannot read them from the distance matrix.
/// </summary>
internal sealed class GatherFormMiner(ITripletsMiner rows) : ITripletMiner
{
    /// <summary>How many triplets the last call mined (the loss's <c>LastTriplets</c> stays empty on this path).</summary>
    public int LastCount { get; private set; }

    public MinedTriplets Mine(Tensor features, IReadOnlyList<long> labels)
    {
        var (a, p, n) = rows.Sample(features, labels);
        LastCount = a.Length;
        return MinedTriplets.FromIds(features, a, p, n) with { Ids = null };
    }
}
