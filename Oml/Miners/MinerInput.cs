using Oml.Functional;
using static System.FormattableString;
using static TorchSharp.torch;

namespace Oml.Miners;

/// <summary>Shared input checks and the detached distance matrix of the in-batch miners.</summary>
internal static class MinerInput
{
    /// <summary>OML's <c>_check_input_labels</c>, as a user error naming the batch's labels and counts.</summary>
    public static void CheckLabels(IReadOnlyList<long> labels, string miner)
    {
        var counts = labels.GroupBy(l => l).OrderBy(g => g.Key).Select(g => (Label: g.Key, Count: g.Count())).ToList();
        if (counts.Count > 1 && counts.All(c => c.Count > 1)) return;
        var listed = string.Join(", ", counts.Select(c => Invariant($"{c.Label}: {c.Count}")));
        var why = counts.Count <= 1
            ? "needs at least 2 distinct labels in a batch"
            : "needs every label in a batch to occur at least twice (labels " + string.Join(", ", counts.Where(c => c.Count < 2).Select(c => c.Label.ToString(System.Globalization.CultureInfo.InvariantCulture))) + " occur once)";
        throw new OmlException(Invariant($"{miner} {why}; batch of {labels.Count} with label counts {{{listed}}}. Use a sampler that takes n_labels >= 2 and n_instances >= 2 (e.g. BalanceSampler)."));
    }

    public static void CheckFeatures(Tensor features, int count, string miner)
    {
        if (features.dim() != 2 || features.shape[0] != count)
            throw new OmlException(Invariant($"{miner} needs features [B, D] with one row per label: {count} labels, features [{string.Join(", ", features.shape)}]"));
    }

    /// <summary>The detached Euclidean distance matrix, row-major on the CPU in float64.</summary>
    public static double[] Distances(Tensor features)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var f = features.detach();
        return Functional.Distances.Pairwise(f, f).to(CPU).to_type(ScalarType.Float64).data<double>().ToArray();
    }
}
