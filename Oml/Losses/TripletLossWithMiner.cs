using static System.FormattableString;
using Oml.Functional;
using Oml.Miners;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Losses;

/// <summary>
/// OML's <c>TripletLossWithMiner(margin, miner, reduction)</c> (<c>oml/losses/triplet.py</c>): mines triplets in the batch with
/// <see cref="Miner"/> (any <see cref="ITripletMiner"/>, default <see cref="AllTripletsMiner"/>), then the triplet loss
/// over all mined triplets. When the miner picks rows of the batch (an <see cref="ITripletsMiner"/>, whose
/// <see cref="ITripletsMiner.Sample"/> is called, or any miner that returns <see cref="MinedTriplets.Ids"/> without
/// memory-bank triplets) the distances are read from the batch's [B, B] distance matrix
/// (<see cref="LossFunctions.TripletFromDistances"/>); otherwise from the miner's triplet tensors
/// (<see cref="LossFunctions.Triplet"/>, the gather form). Both give the same values, logs and gradients.
/// <see cref="LastTriplets"/> holds the batch row ids when
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
        var loss = Miner is ITripletsMiner rows
            ? FromBatchDistances(features, rows.Sample(features, labels))
            : FromMined(features, Miner.Mine(features, labels));
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Triplets of batch rows: d(a,p) and d(a,n) read from the batch's one [B, B] distance matrix by the ids
    /// (<see cref="LossFunctions.TripletFromDistances"/>), the same loss and gradients as gathering the T triplets' rows
    /// without making three [T, D] tensors (25 088 x 512 each for all triplets of 8 labels x 8).
    /// </summary>
    private Tensor FromBatchDistances(Tensor features, (int[] Anchors, int[] Positives, int[] Negatives) ids)
    {
        if (ids.Anchors.Length == 0) throw NoTriplets(features.shape[0], pickedRows: true);
        LastTriplets = ids;
        var distances = Distances.Pairwise(features, features);
        return LossFunctions.TripletFromDistances(distances, ids.Anchors, ids.Positives, ids.Negatives, Margin, Reduction, LastLogs);
    }

    /// <summary>
    /// What <see cref="ITripletMiner.Mine"/> gave: rows of the batch named by ids go to <see cref="FromBatchDistances"/>;
    /// points a miner built, or triplets that mix in a memory bank, keep the gather form (<see cref="LossFunctions.Triplet"/>
    /// on the three tensors).
    /// </summary>
    private Tensor FromMined(Tensor features, MinedTriplets mined)
    {
        if (mined.Count == 0) throw NoTriplets(features.shape[0], pickedRows: mined.Ids is not null);
        Tensor loss;
        if (mined.Ids is { } ids && mined.IsOriginal is null)
        {
            loss = FromBatchDistances(features, ids);
        }
        else
        {
            LastTriplets = mined.Ids ?? ([], [], []);
            loss = LossFunctions.Triplet(mined.Anchors, mined.Positives, mined.Negatives, Margin, Reduction, LastLogs);
            if (mined.IsOriginal is { } isOriginal) LogOriginalAndBank(isOriginal, mined.Anchors, mined.Positives, mined.Negatives);
        }
        foreach (var (key, value) in mined.Logs) LastLogs[key] = value;
        return loss;
    }

    private OmlException NoTriplets(long batch, bool pickedRows) =>
        new(Invariant($"{Miner.GetType().Name} mined no triplets from a batch of {batch}") +
            (pickedRows ? "; check the miner's ranges against the sampler's n_instances / n_labels" : ""));

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
