using static TorchSharp.torch;

namespace Oml.Miners;

/// <summary>
/// OML's <c>ITripletsMinerInBatch</c> (<c>oml/interfaces/miners.py</c>): picks (anchor, positive, negative) row indices of a batch. Mining is
/// not differentiable; the caller indexes the features with the returned ids. Every label must occur at least
/// twice and the batch must hold at least two labels (an <see cref="OmlException"/> otherwise).
/// </summary>
public interface ITripletsMiner : ITripletMiner
{
    (int[] Anchors, int[] Positives, int[] Negatives) Sample(Tensor features, IReadOnlyList<long> labels);

    MinedTriplets ITripletMiner.Mine(Tensor features, IReadOnlyList<long> labels)
    {
        var (anchors, positives, negatives) = Sample(features, labels);
        return MinedTriplets.FromIds(features, anchors, positives, negatives);
    }
}
