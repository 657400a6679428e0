using Oml.Functional;
using static System.FormattableString;
using static TorchSharp.torch;

namespace Oml.Miners;

/// <summary>
/// OML's <c>HardClusterMiner</c> (<c>oml/miners/inbatch_hard_cluster.py</c>): labels are sorted and the batch grouped to [L, K, D]. For every label l
/// the triplet is (anchor μ_l, the member of l farthest from μ_l in squared distance, the nearest other mean
/// μ_l'). The output is L triplets of tensors, so it is an <see cref="ITripletTensorMiner"/>, not an
/// <see cref="ITripletsMiner"/>. Every label must occur the same number K &gt; 1 of times, with at least 2 labels.
/// Gradients flow through the means and the positives; the argmax / argmin choices use detached values.
/// </summary>
public sealed class HardClusterMiner : ITripletTensorMiner
{
    public (Tensor Anchors, Tensor Positives, Tensor Negatives) SampleTensors(Tensor features, IReadOnlyList<long> labels)
    {
        MinerInput.CheckLabels(labels, nameof(HardClusterMiner));
        MinerInput.CheckFeatures(features, labels.Count, nameof(HardClusterMiner));
        var counts = labels.GroupBy(l => l).OrderBy(g => g.Key).Select(g => (Label: g.Key, Count: g.Count())).ToList();
        if (counts.Select(c => c.Count).Distinct().Count() != 1)
            throw new OmlException(Invariant($"HardClusterMiner expected equal number of samples for each label; batch of {labels.Count} with label counts {{{string.Join(", ", counts.Select(c => Invariant($"{c.Label}: {c.Count}")))}}}. Use BalanceSampler batches (n_labels x n_instances)."));
        int l = counts.Count, k = counts[0].Count;
        var d = features.shape[1];

        using var scope = NewDisposeScope();
        var device = features.device;
        // Stable sort by label, as OML's sorted labels mask: rows of label l in batch order.
        var order = Enumerable.Range(0, labels.Count).OrderBy(i => labels[i]).ThenBy(i => i).Select(i => (long)i).ToArray();
        var grouped = features.index_select(0, tensor(order, device: device)).view(l, k, d);
        var means = grouped.mean([1L]);
        long[] posIds, negIds;
        using (no_grad())
        {
            var intra = IntraLabelSquaredDistances(grouped.detach());
            posIds = intra.argmax(1).to(CPU).data<long>().ToArray();
            var md = means.detach();
            var meanDist = Distances.Pairwise(md, md)
                .masked_fill(eye(l, dtype: ScalarType.Bool, device: device), double.PositiveInfinity);
            negIds = meanDist.argmin(1).to(CPU).data<long>().ToArray();
        }
        var flatPos = posIds.Select((p, li) => li * k + p).ToArray();
        var positives = grouped.view(l * k, d).index_select(0, tensor(flatPos, device: device));
        var negatives = means.index_select(0, tensor(negIds, device: device));
        return (means.MoveToOuterDisposeScope(), positives.MoveToOuterDisposeScope(), negatives.MoveToOuterDisposeScope());
    }

    /// <summary>OML's <c>_get_labels_mask</c>: [L, B], row l marks the samples of the l-th smallest label.</summary>
    internal static bool[,] LabelsMask(IReadOnlyList<long> labels)
    {
        var unique = labels.Distinct().Order().ToArray();
        var mask = new bool[unique.Length, labels.Count];
        for (var r = 0; r < unique.Length; r++)
            for (var j = 0; j < labels.Count; j++)
                mask[r, j] = labels[j] == unique[r];
        return mask;
    }

    /// <summary>OML's <c>_count_intra_label_distances</c>: [L, K, D] → [L, K] squared distances to each label's mean.</summary>
    internal static Tensor IntraLabelSquaredDistances(Tensor grouped)
    {
        using var scope = NewDisposeScope();
        var mean = grouped.mean([1L], keepdim: true);
        return (grouped - mean).pow(2).sum(-1).MoveToOuterDisposeScope();
    }
}
