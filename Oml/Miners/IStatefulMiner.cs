using static TorchSharp.torch;

namespace Oml.Miners;

/// <summary>
/// A miner whose state outlives a batch: a memory bank of past batches (<see cref="TripletMinerWithMemory"/>,
/// <see cref="MinerWithBank"/>) or a random generator (<see cref="AllTripletsMiner"/> with <c>max_output_triplets</c>).
/// Training checkpoints keep this state, so a resumed run mines exactly what an uninterrupted one would.
/// </summary>
public interface IStatefulMiner
{
    /// <summary>The state as named tensors on the CPU (copies the caller disposes).</summary>
    Dictionary<string, Tensor> SaveState();

    /// <summary>Restores what <see cref="SaveState"/> gave; state that does not fit this miner is an <see cref="OmlException"/> naming <paramref name="source"/>.</summary>
    void LoadState(IReadOnlyDictionary<string, Tensor> state, string source);
}
