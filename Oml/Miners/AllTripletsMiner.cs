using static System.FormattableString;
using static TorchSharp.torch;

namespace Oml.Miners;

/// <summary>
/// OML's <c>AllTripletsMiner(max_output_triplets)</c> (<c>oml/miners/inbatch_all_tri.py</c>): every (a, p, n) with a ≠ p, y_a = y_p, y_n ≠ y_a,
/// Σ c(c−1)(B−c) of them. Order: anchor-positive pairs in row-major order, each with its negatives in increasing
/// index. Unlike OML the order is kept (OML always permutes); above <see cref="MaxOutputTriplets"/> a seeded random
/// subset of that size is taken, still in that order. Features are ignored. The random generator's state is kept in
/// training checkpoints (<see cref="IStatefulMiner"/>), so a resumed run draws the subsets an uninterrupted one would.
/// </summary>
public sealed class AllTripletsMiner : ITripletsMiner, IStatefulMiner
{
    private readonly MinerRandom random;

    public AllTripletsMiner(long maxOutputTriplets = long.MaxValue, int seed = 0)
    {
        if (maxOutputTriplets < 1) throw new OmlException(Invariant($"miner.args.max_output_triplets must be a positive integer, got {maxOutputTriplets}"));
        MaxOutputTriplets = maxOutputTriplets;
        random = new MinerRandom(seed);
    }

    public long MaxOutputTriplets { get; }

    public Dictionary<string, Tensor> SaveState()
    {
        var state = new Dictionary<string, Tensor>();
        MinerState.SaveRandom(state, random);
        return state;
    }

    public void LoadState(IReadOnlyDictionary<string, Tensor> state, string source) => MinerState.LoadRandom(state, random, source);

    /// <summary>How many triplets a batch with these labels has: Σ c(c−1)(B−c) over the label counts c.</summary>
    public static long CountTriplets(IReadOnlyList<long> labels) =>
        labels.GroupBy(l => l).Sum(g => (long)g.Count() * (g.Count() - 1) * (labels.Count - g.Count()));

    public (int[] Anchors, int[] Positives, int[] Negatives) Sample(Tensor features, IReadOnlyList<long> labels)
    {
        MinerInput.CheckLabels(labels, nameof(AllTripletsMiner));
        var total = CountTriplets(labels);
        if (total > Array.MaxLength) throw new OmlException(Invariant($"{nameof(AllTripletsMiner)}: a batch of {labels.Count} has {total} triplets, too many to list; set max_output_triplets"));
        var count = (int)Math.Min(total, MaxOutputTriplets);
        bool[]? keep = null;
        if (count < total)
        {
            // seeded sample without replacement (partial Fisher-Yates over the triplet numbers), order kept
            var ids = Enumerable.Range(0, (int)total).ToArray();
            keep = new bool[total];
            for (var i = 0; i < count; i++)
            {
                var j = random.Next(i, ids.Length);
                (ids[i], ids[j]) = (ids[j], ids[i]);
                keep[ids[i]] = true;
            }
        }
        var a = new int[count];
        var p = new int[count];
        var n = new int[count];
        int k = 0, t = 0;
        var b = labels.Count;
        for (var i = 0; i < b; i++)
            for (var j = 0; j < b; j++)
            {
                if (i == j || labels[i] != labels[j]) continue;
                for (var q = 0; q < b; q++)
                {
                    if (labels[q] == labels[i]) continue;
                    if (keep is null || keep[t])
                    {
                        a[k] = i; p[k] = j; n[k] = q; k++;
                    }
                    t++;
                }
            }
        return (a, p, n);
    }
}
