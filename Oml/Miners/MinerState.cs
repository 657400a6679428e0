using static System.FormattableString;
using static TorchSharp.torch;

namespace Oml.Miners;

/// <summary>The named tensors of an <see cref="IStatefulMiner"/>'s state (on the CPU): numbers, the random generator and the memory bank.</summary>
internal static class MinerState
{
    public static Tensor Number(long value) => tensor(new[] { value });

    public static long ReadNumber(IReadOnlyDictionary<string, Tensor> state, string key, string source)
    {
        var t = Get(state, key, source);
        if (t.dtype != ScalarType.Int64 || t.numel() != 1) throw Unfit(source, Invariant($"{key} is not one integer"));
        return t.item<long>();
    }

    public static void SaveRandom(Dictionary<string, Tensor> state, MinerRandom random)
    {
        state["random.seed"] = Number(random.Seed);
        state["random.draws"] = Number(random.Draws);
    }

    public static void LoadRandom(IReadOnlyDictionary<string, Tensor> state, MinerRandom random, string source)
    {
        var seed = ReadNumber(state, "random.seed", source);
        var draws = ReadNumber(state, "random.draws", source);
        if (seed is < int.MinValue or > int.MaxValue || draws < 0) throw Unfit(source, "the random generator's state is out of range");
        random.Restore((int)seed, draws);
    }

    /// <summary>A memory bank's features [rows, D] (float32, CPU copy) and labels.</summary>
    public static void SaveBank(Dictionary<string, Tensor> state, Tensor features, long[] labels, int batchSize, int pointer)
    {
        state["bank.features"] = features.detach().cpu().to(ScalarType.Float32).clone();
        state["bank.labels"] = tensor(labels);
        state["bank.batch_size"] = Number(batchSize);
        state["bank.pointer"] = Number(pointer);
    }

    /// <summary>
    /// The bank of a saved state, or null when the miner had not mined yet. Its rows must be
    /// <paramref name="bankSizeInBatches"/> times its batch size, as this miner would have made it.
    /// </summary>
    public static (Tensor Features, long[] Labels, int BatchSize, int Pointer)? LoadBank(
        IReadOnlyDictionary<string, Tensor> state, int bankSizeInBatches, string source)
    {
        if (!state.ContainsKey("bank.features")) return null;
        var features = Get(state, "bank.features", source);
        var labels = Get(state, "bank.labels", source);
        var batchSize = ReadNumber(state, "bank.batch_size", source);
        var pointer = ReadNumber(state, "bank.pointer", source);
        if (features.dim() != 2 || features.dtype != ScalarType.Float32 || labels.dim() != 1 || labels.dtype != ScalarType.Int64 || labels.shape[0] != features.shape[0])
            throw Unfit(source, "the memory bank's features and labels do not match");
        var rows = features.shape[0];
        if (batchSize < 1 || rows != bankSizeInBatches * batchSize)
        {
            throw Unfit(source, Invariant($"the memory bank holds {rows} rows of batches of {batchSize}, but bank_size_in_batches = {bankSizeInBatches} needs {bankSizeInBatches * Math.Max(1, batchSize)}"));
        }
        if (pointer < 0 || pointer >= rows || pointer % batchSize != 0) throw Unfit(source, Invariant($"the memory bank's position {pointer} is out of range"));
        Tensor copy;
        using (NewDisposeScope()) copy = features.clone().MoveToOuterDisposeScope();
        copy.DetachFromDisposeScope();
        return (copy, labels.data<long>().ToArray(), (int)batchSize, (int)pointer);
    }

    /// <summary>The bank on the features' device (a checkpoint's bank is loaded on the CPU).</summary>
    public static Tensor OnDevice(Tensor bank, Tensor features)
    {
        if (bank.device == features.device) return bank;
        Tensor moved;
        using (NewDisposeScope()) moved = bank.to(features.device).MoveToOuterDisposeScope();
        moved.DetachFromDisposeScope();
        bank.Dispose();
        return moved;
    }

    private static Tensor Get(IReadOnlyDictionary<string, Tensor> state, string key, string source) =>
        state.TryGetValue(key, out var t) ? t : throw Unfit(source, $"it has no {key}");

    private static OmlException Unfit(string source, string why) =>
        new($"{source}: the miner state does not fit the configured miner ({why}); resume with the miner block the run was started with");
}
