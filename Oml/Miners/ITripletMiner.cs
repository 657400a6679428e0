using static TorchSharp.torch;

namespace Oml.Miners;

/// <summary>
/// A triplet miner: from a batch's features [B, D] and its labels, the triplets a loss is computed on
/// (<see cref="MinedTriplets"/>). Any miner feeds any triplet loss through this one contract; miners that pick batch
/// rows implement <see cref="ITripletsMiner"/>, miners that build points implement <see cref="ITripletTensorMiner"/>,
/// and both get <see cref="Mine"/> from there.
/// </summary>
public interface ITripletMiner
{
    MinedTriplets Mine(Tensor features, IReadOnlyList<long> labels);
}
