using static TorchSharp.torch;

namespace Oml.Miners;

/// <summary>
/// A miner whose triplets are tensors rather than batch row ids (OML's <c>sample()</c> contract): used by miners
/// that build new points (class means, <see cref="HardClusterMiner"/>) or draw from a memory bank. The three
/// tensors are [T, D], row t being one triplet; gradients flow to <c>features</c> where the miner's rows come
/// from the batch.
/// </summary>
public interface ITripletTensorMiner : ITripletMiner
{
    (Tensor Anchors, Tensor Positives, Tensor Negatives) SampleTensors(Tensor features, IReadOnlyList<long> labels);

    MinedTriplets ITripletMiner.Mine(Tensor features, IReadOnlyList<long> labels)
    {
        var (anchors, positives, negatives) = SampleTensors(features, labels);
        return new MinedTriplets(anchors, positives, negatives);
    }
}
