using Oml.Miners;

namespace Oml.Registries;

/// <summary>
/// The built-in miners (<c>criterion.args.miner: {name, args}</c>, OML's <c>MINERS_REGISTRY</c>), with OML's
/// constructor defaults where a key is absent:
/// <c>all_triplets</c> (max_output_triplets unlimited), <c>hard_triplets</c>, <c>n_hard_triplets</c> (n_positive 1,
/// n_negative 1; each an int n or a range [a, b]; OML's block config uses 2, 2), <c>hard_cluster</c>,
/// <c>triplets_with_memory</c> (bank_size_in_batches and tri_expand_k required; OML's block config: 20, 3) and
/// <c>miner_with_bank</c> (bank_size_in_batches required, OML's block: 3; need_logs true; its nested <c>miner</c>
/// block must build an n_hard_triplets, default n_hard_triplets(1, 1)). Random miners are seeded from the context.
/// </summary>
public static class MinerRegistry
{
    public static RegistryTable<MinerContext, ITripletMiner> CreateDefault()
    {
        var table = new RegistryTable<MinerContext, ITripletMiner>("miner");
        table["all_triplets"] = (args, context) => new AllTripletsMiner(args.GetLong("max_output_triplets", long.MaxValue), context.Seed);
        table["hard_triplets"] = (_, _) => new HardTripletsMiner();
        table["n_hard_triplets"] = (args, _) => new NHardTripletsMiner(Hardness(args, "n_positive"), Hardness(args, "n_negative"));
        table["hard_cluster"] = (_, _) => new HardClusterMiner();
        table["triplets_with_memory"] = (args, context) => new TripletMinerWithMemory(
            args.GetInt("bank_size_in_batches"), args.GetInt("tri_expand_k"), context.Seed);
        table["miner_with_bank"] = (args, context) =>
        {
            var bank = args.GetInt("bank_size_in_batches");
            var needLogs = args.GetBool("need_logs", true);
            var path = $"{args.Path}.miner";
            var inner = args.GetRaw("miner") is { } block
                ? Registry.Miners.Create(block, path, context)
                : new NHardTripletsMiner();
            if (inner is not NHardTripletsMiner nHard)
                throw new OmlException($"{path} must be an n_hard_triplets miner (as OML's MinerWithBank), got {inner.GetType().Name}");
            return new MinerWithBank(bank, nHard, needLogs);
        };
        return table;
    }

    /// <summary>OML's <c>n_positive</c> / <c>n_negative</c>: an int n (the n hardest) or [a, b] (the a-th to b-th hardest).</summary>
    public static HardnessRange Hardness(BlockArgs args, string key)
    {
        var path = $"{args.Path}.{key}";
        var value = args.GetRaw(key);
        if (value is null) return 1;
        if (value is System.Collections.IEnumerable and not string)
        {
            var bounds = args.GetIntList(key, []);
            if (bounds.Count != 2) throw BlockArgs.WrongType(path, value, "an integer n or a range [a, b] with 1 <= a <= b");
            try
            {
                return new HardnessRange(bounds[0], bounds[1]);
            }
            catch (OmlException e)
            {
                throw new OmlException($"{path}: {e.Message}");
            }
        }
        var n = args.GetInt(key);
        if (n < 1) throw BlockArgs.WrongType(path, value, "a positive integer n or a range [a, b] with 1 <= a <= b");
        return n;
    }
}
