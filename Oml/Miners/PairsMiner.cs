using static TorchSharp.torch;

namespace Oml.Miners;

/// <summary>
/// OML's <c>PairsMiner</c> (<c>oml/miners/pairs.py</c>): the pairs a pairwise model trains on, taken apart from the
/// triplets of <see cref="HardTripletsMiner"/> (<c>hard_pairs_mining: true</c>) or <see cref="AllTripletsMiner"/>:
/// every (anchor, positive) is a positive pair and every (anchor, negative) a negative one, each unordered pair once.
/// Unlike OML (a Python set) the order is fixed: positives first, each group sorted, so a seeded run repeats; a
/// sample paired with itself (the hard miner's positive when all of a label's samples coincide) is left out.
/// </summary>
public sealed class PairsMiner
{
    private readonly ITripletsMiner _miner;

    public PairsMiner(bool hardMining = true, int seed = 0)
    {
        HardMining = hardMining;
        _miner = hardMining ? new HardTripletsMiner() : new AllTripletsMiner(seed: seed);
    }

    public bool HardMining { get; }

    /// <summary>The pairs of a batch, mined on its embeddings <paramref name="features"/> [B, D].</summary>
    public MinedPairs Mine(Tensor features, IReadOnlyList<long> labels)
    {
        var (anchors, positives, negatives) = _miner.Sample(features, labels);
        var positivePairs = Unordered(anchors, positives);
        var negativePairs = Unordered(anchors, negatives);
        var pairs = positivePairs.Concat(negativePairs).ToArray();
        return new MinedPairs(
            pairs.Select(p => p.First).ToArray(),
            pairs.Select(p => p.Second).ToArray(),
            [.. Enumerable.Repeat(false, positivePairs.Length), .. Enumerable.Repeat(true, negativePairs.Length)]);
    }

    private static (int First, int Second)[] Unordered(int[] first, int[] second) =>
        first.Zip(second)
            .Where(p => p.First != p.Second)
            .Select(p => (Math.Min(p.First, p.Second), Math.Max(p.First, p.Second)))
            .Distinct()
            .Order()
            .ToArray();
}
