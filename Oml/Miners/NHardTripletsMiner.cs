using static TorchSharp.torch;

namespace Oml.Miners;

/// <summary>
/// OML's <c>NHardTripletsMiner(n_positive, n_negative)</c> (<c>oml/miners/inbatch_nhard_tri.py</c>): for every anchor, its positives (self
/// excluded) sorted by distance descending and its negatives ascending (ties by index), each cut to its
/// <see cref="HardnessRange"/>; the triplets are positives × negatives (positive-major). Where a class has
/// fewer candidates than the range asks for, the range is clipped (OML crashes on an empty slice).
/// </summary>
public sealed class NHardTripletsMiner : ITripletsMiner
{
    public NHardTripletsMiner(HardnessRange nPositive, HardnessRange nNegative)
    {
        if (nPositive.From < 1 || nNegative.From < 1)
            throw new OmlException("miner.args.n_positive and miner.args.n_negative must be positive integers or ranges (a, b) with 1 <= a <= b");
        NPositive = nPositive;
        NNegative = nNegative;
    }

    public NHardTripletsMiner() : this(1, 1)
    {
    }

    public HardnessRange NPositive { get; }

    public HardnessRange NNegative { get; }

    public (int[] Anchors, int[] Positives, int[] Negatives) Sample(Tensor features, IReadOnlyList<long> labels)
    {
        MinerInput.CheckLabels(labels, nameof(NHardTripletsMiner));
        MinerInput.CheckFeatures(features, labels.Count, nameof(NHardTripletsMiner));
        return SampleFromDistances(MinerInput.Distances(features), labels);
    }

    /// <summary>The mining on a row-major [B, B] distance matrix; rows flagged in <paramref name="ignoreAnchor"/> are never anchors.</summary>
    internal (int[] Anchors, int[] Positives, int[] Negatives) SampleFromDistances(double[] distances, IReadOnlyList<long> labels, bool[]? ignoreAnchor = null)
    {
        var b = labels.Count;
        List<int> a = [], p = [], n = [];
        for (var i = 0; i < b; i++)
        {
            if (ignoreAnchor is not null && ignoreAnchor[i]) continue;
            var row = i * b;
            var positives = Enumerable.Range(0, b).Where(j => j != i && labels[j] == labels[i])
                .OrderByDescending(j => distances[row + j]).ThenBy(j => j);
            var negatives = Enumerable.Range(0, b).Where(j => labels[j] != labels[i])
                .OrderBy(j => distances[row + j]).ThenBy(j => j);
            var pos = Slice(positives, NPositive);
            var neg = Slice(negatives, NNegative);
            foreach (var pj in pos)
                foreach (var nj in neg)
                {
                    a.Add(i); p.Add(pj); n.Add(nj);
                }
        }
        return (a.ToArray(), p.ToArray(), n.ToArray());
    }

    private static int[] Slice(IEnumerable<int> sorted, HardnessRange range) =>
        sorted.Skip(range.From - 1).Take(range.To - range.From + 1).ToArray();
}
