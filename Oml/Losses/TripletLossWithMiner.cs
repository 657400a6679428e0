using static System.FormattableString;
using Oml.Miners;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Losses;

/// <summary>
/// OML's <c>TripletLossWithMiner(margin, miner, reduction)</c> (<c>oml/losses/triplet.py</c>): mines triplets in the batch with
/// <see cref="Miner"/> (any <see cref="ITripletMiner"/>, default <see cref="AllTripletsMiner"/>), then
/// <see cref="LossFunctions.Triplet"/> over all mined triplets. <see cref="LastTriplets"/> holds the batch row ids when
/// the miner picked rows (empty for miners that build points, e.g. <see cref="HardClusterMiner"/>); with a miner that
/// marks original and memory-bank triplets (<see cref="TripletMinerWithMemory"/>) the logs gain
/// <c>orig_active_tri</c>, <c>bank_active_tri</c>, <c>pos_dist_orig</c>, <c>neg_dist_orig</c>, <c>pos_dist_bank</c>,
/// <c>neg_dist_bank</c>, and with <see cref="MinerWithBank"/> the miner's own logs. <see cref="LastLogs"/> is updated (never cleared, as OML) with <c>active_tri</c>,
/// <c>pos_dist</c>, <c>neg_dist</c>; <see cref="LastTriplets"/> holds the last mined ids.
/// </summary>
public sealed class TripletLossWithMiner : nn.Module<Tensor, Tensor, Tensor>
{
    public const string CriterionName = "triplet";

    public TripletLossWithMiner(double? margin, ITripletMiner? miner = null, LossReduction reduction = LossReduction.Mean)
        : base(nameof(TripletLossWithMiner))
    {
        LossFunctions.CheckMargin(margin);
        Margin = margin;
        Miner = miner ?? new AllTripletsMiner();
        Reduction = reduction;
    }

    public double? Margin { get; }

    /// <summary>The miner: any <see cref="ITripletMiner"/> (batch rows or points it builds).</summary>
    public ITripletMiner Miner { get; }

    public LossReduction Reduction { get; }

    public Dictionary<string, double> LastLogs { get; } = new();

    public (int[] Anchors, int[] Positives, int[] Negatives) LastTriplets { get; private set; } = ([], [], []);

    /// <summary>Features [B, D] and labels [B] (any integer tensor; squeezed as OML's <c>labels2list</c>).</summary>
    public override Tensor forward(Tensor features, Tensor labels)
    {
        long[] list;
        using (NewDisposeScope())
            list = labels.to(CPU).to_type(ScalarType.Int64).flatten().data<long>().ToArray();
        return Forward(features, list);
    }

    public Tensor Forward(Tensor features, IReadOnlyList<long> labels)
    {
        if (features.dim() != 2 || features.shape[0] != labels.Count)
            throw new OmlException(Invariant($"TripletLossWithMiner needs features [B, D] and B labels: features [{string.Join(", ", features.shape)}], {labels.Count} labels"));
        using var scope = NewDisposeScope();
        var mined = Miner.Mine(features, labels);
        if (mined.Count == 0)
        {
            throw new OmlException(Invariant($"{Miner.GetType().Name} mined no triplets from a batch of {labels.Count}") +
                                   (mined.Ids is null ? "" : "; check the miner's ranges against the sampler's n_instances / n_labels"));
        }
        LastTriplets = mined.Ids ?? ([], [], []);
        var loss = LossFunctions.Triplet(mined.Anchors, mined.Positives, mined.Negatives, Margin, Reduction, LastLogs);
        if (mined.IsOriginal is { } isOriginal) LogOriginalAndBank(isOriginal, mined.Anchors, mined.Positives, mined.Negatives);
        foreach (var (key, value) in mined.Logs) LastLogs[key] = value;
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>OML's extra logs for <see cref="TripletMinerWithMemory"/>: active_tri and distances of the original and the bank triplets.</summary>
    private void LogOriginalAndBank(bool[] isOriginal, Tensor a, Tensor p, Tensor n)
    {
        using var noGrad = no_grad();
        foreach (var (original, suffix) in new[] { (true, "orig"), (false, "bank") })
        {
            var ids = Enumerable.Range(0, isOriginal.Length).Where(i => isOriginal[i] == original).Select(i => (long)i).ToArray();
            if (ids.Length == 0) continue;
            var index = tensor(ids, device: a.device);
            var part = new Dictionary<string, double>();
            LossFunctions.Triplet(a.index_select(0, index), p.index_select(0, index), n.index_select(0, index), Margin, LossReduction.None, part);
            LastLogs[suffix + "_active_tri"] = part["active_tri"];
            LastLogs["pos_dist_" + suffix] = part["pos_dist"];
            LastLogs["neg_dist_" + suffix] = part["neg_dist"];
        }
    }
}
