namespace Oml.Postprocessing;

/// <summary>
/// The steps of k-reciprocal re-ranking (Zhong et al., CVPR 2017, and its reference code) on neighbour lists
/// (<c>neighbours[i]</c> = the nearest items of item i, nearest first, i itself first) and sparse vectors.
/// </summary>
internal static class KReciprocalFunctions
{
    /// <summary>The items j among the k+1 nearest of <paramref name="item"/> that have it among their own k+1 nearest.</summary>
    public static int[] ReciprocalNeighbours(int[][] neighbours, int item, int k)
    {
        var forward = Prefix(neighbours[item], k + 1);
        return forward.Where(j => Prefix(neighbours[j], k + 1).Contains(item)).ToArray();
    }

    /// <summary>
    /// R*(i, k1): the k1-reciprocal neighbours, expanded by the round(k1/2)-reciprocal neighbours of each of them
    /// that share more than 2/3 of their items with the original set. Ascending item ids.
    /// </summary>
    public static int[] ExpandedReciprocalNeighbours(int[][] neighbours, int item, int k1)
    {
        var reciprocal = ReciprocalNeighbours(neighbours, item, k1);
        var original = new HashSet<int>(reciprocal);
        var expanded = new HashSet<int>(reciprocal);
        var half = (int)Math.Round(k1 / 2.0, MidpointRounding.ToEven); // numpy's around: half to even
        foreach (var candidate in reciprocal)
        {
            var candidateSet = ReciprocalNeighbours(neighbours, candidate, half);
            if (candidateSet.Count(original.Contains) > 2.0 / 3 * candidateSet.Length) expanded.UnionWith(candidateSet);
        }
        var result = expanded.ToArray();
        Array.Sort(result);
        return result;
    }

    /// <summary>Gaussian-kernel weights exp(-d) of the given (normalised) distances, scaled to sum to 1.</summary>
    public static double[] NormalisedKernelWeights(ReadOnlySpan<double> distances)
    {
        var weights = new double[distances.Length];
        var sum = 0.0;
        for (var i = 0; i < distances.Length; i++) sum += weights[i] = Math.Exp(-distances[i]);
        for (var i = 0; i < weights.Length; i++) weights[i] /= sum;
        return weights;
    }

    /// <summary>The mean of sparse vectors (local query expansion).</summary>
    public static SparseVector Mean(IReadOnlyList<SparseVector> vectors)
    {
        var sums = new SortedDictionary<int, double>();
        foreach (var v in vectors)
        {
            for (var i = 0; i < v.Indices.Length; i++) sums[v.Indices[i]] = sums.GetValueOrDefault(v.Indices[i]) + v.Values[i];
        }
        return new SparseVector(sums.Keys.ToArray(), sums.Values.Select(s => s / vectors.Count).ToArray());
    }

    /// <summary>Jaccard distance of two weighted sets: 1 - S / (2 - S) with S = sum of element-wise minima.</summary>
    public static double JaccardDistance(SparseVector a, SparseVector b)
    {
        var sharedMinimum = 0.0;
        int i = 0, j = 0;
        while (i < a.Indices.Length && j < b.Indices.Length)
        {
            if (a.Indices[i] < b.Indices[j]) i++;
            else if (a.Indices[i] > b.Indices[j]) j++;
            else sharedMinimum += Math.Min(a.Values[i++], b.Values[j++]);
        }
        return 1 - sharedMinimum / (2 - sharedMinimum);
    }

    private static ArraySegment<int> Prefix(int[] list, int length) => new(list, 0, Math.Min(length, list.Length));
}
