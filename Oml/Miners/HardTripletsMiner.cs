using static TorchSharp.torch;

namespace Oml.Miners;

/// <summary>
/// OML's <c>HardTripletsMiner</c> (<c>oml/miners/inbatch_hard_tri.py</c>): every sample is an anchor, with its farthest same-label sample
/// (itself only when all its positives are at distance 0) and its nearest other-label sample; ties go to the
/// lowest index. Distances are Euclidean on the detached features.
/// </summary>
public sealed class HardTripletsMiner : ITripletsMiner
{
    public (int[] Anchors, int[] Positives, int[] Negatives) Sample(Tensor features, IReadOnlyList<long> labels)
    {
        MinerInput.CheckLabels(labels, nameof(HardTripletsMiner));
        MinerInput.CheckFeatures(features, labels.Count, nameof(HardTripletsMiner));
        return SampleFromDistances(MinerInput.Distances(features), labels);
    }

    /// <summary>The mining itself on a row-major [B, B] distance matrix (OML's <c>_sample_from_distmat</c>).</summary>
    internal static (int[] Anchors, int[] Positives, int[] Negatives) SampleFromDistances(double[] distances, IReadOnlyList<long> labels)
    {
        var b = labels.Count;
        var a = new int[b];
        var p = new int[b];
        var n = new int[b];
        for (var i = 0; i < b; i++)
        {
            int bestP = -1, bestN = -1;
            for (var j = 0; j < b; j++)
            {
                var d = distances[i * b + j];
                if (labels[j] == labels[i])
                {
                    if (bestP < 0 || d > distances[i * b + bestP]) bestP = j;
                }
                else if (bestN < 0 || d < distances[i * b + bestN]) bestN = j;
            }
            a[i] = i; p[i] = bestP; n[i] = bestN;
        }
        return (a, p, n);
    }
}
