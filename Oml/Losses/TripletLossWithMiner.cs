using static System.FormattableString;
using Oml.Miners;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Losses;

/// <summary>
/// OML's <c>TripletLossWithMiner(margin, miner, reduction)</c> (<c>oml/losses/triplet.py</c>): mines (a, p, n) ids in the batch with
/// <see cref="Miner"/> (default <see cref="AllTripletsMiner"/>), then <see cref="LossFunctions.Triplet"/> over all
/// mined triplets. A tensor miner (<see cref="ITripletTensorMiner"/>, e.g. <see cref="HardClusterMiner"/>) may be
/// given instead: its triplet tensors go straight to the loss, <see cref="Miner"/> is then null and
/// <see cref="LastTriplets"/> stays empty; with <see cref="TripletMinerWithMemory"/> the logs gain
/// <c>orig_active_tri</c>, <c>bank_active_tri</c>, <c>pos_dist_orig</c>, <c>neg_dist_orig</c>, <c>pos_dist_bank</c>,
/// <c>neg_dist_bank</c>, and with <see cref="MinerWithBank"/> the miner's own logs. <see cref="LastLogs"/> is updated (never cleared, as OML) with <c>active_tri</c>,
/// <c>pos_dist</c>, <c>neg_dist</c>; <see cref="LastTriplets"/> holds the last mined ids.
/// </summary>
public sealed class TripletLossWithMiner : nn.Module<Tensor, Tensor, Tensor>
{
    public const string CriterionName = "triplet";

    public TripletLossWithMiner(double? margin, ITripletsMiner? miner = null, LossReduction reduction = LossReduction.Mean)
        : base(nameof(TripletLossWithMiner))
    {
        LossFunctions.CheckMargin(margin);
        Margin = margin;
        Miner = miner ?? new AllTripletsMiner();
        Reduction = reduction;
    }

    public TripletLossWithMiner(double? margin, ITripletTensorMiner miner, LossReduction reduction = LossReduction.Mean)
        : base(nameof(TripletLossWithMiner))
    {
        ArgumentNullException.ThrowIfNull(miner);
        LossFunctions.CheckMargin(margin);
        Margin = margin;
        TensorMiner = miner;
        Reduction = reduction;
    }

    public double? Margin { get; }

    /// <summary>The index miner; null when the loss was built with a <see cref="TensorMiner"/>.</summary>
    public ITripletsMiner? Miner { get; }

    /// <summary>The tensor miner; null when the loss was built with an index <see cref="Miner"/>.</summary>
    public ITripletTensorMiner? TensorMiner { get; }

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
        if (TensorMiner is not null) return ForwardTensorMiner(TensorMiner, features, labels);
        var (a, p, n) = Miner!.Sample(features, labels);
        if (a.Length == 0)
            throw new OmlException(Invariant($"{Miner.GetType().Name} mined no triplets from a batch of {labels.Count}; check the miner's ranges against the sampler's n_instances / n_labels"));
        LastTriplets = (a, p, n);
        using var scope = NewDisposeScope();
        var device = features.device;
        return LossFunctions.Triplet(
                features.index_select(0, tensor(a.Select(i => (long)i).ToArray(), device: device)),
                features.index_select(0, tensor(p.Select(i => (long)i).ToArray(), device: device)),
                features.index_select(0, tensor(n.Select(i => (long)i).ToArray(), device: device)),
                Margin, Reduction, LastLogs)
            .MoveToOuterDisposeScope();
    }

    private Tensor ForwardTensorMiner(ITripletTensorMiner miner, Tensor features, IReadOnlyList<long> labels)
    {
        using var scope = NewDisposeScope();
        var (a, p, n) = miner.SampleTensors(features, labels);
        if (a.shape[0] == 0)
            throw new OmlException(Invariant($"{miner.GetType().Name} mined no triplets from a batch of {labels.Count}"));
        var loss = LossFunctions.Triplet(a, p, n, Margin, Reduction, LastLogs);
        if (miner is TripletMinerWithMemory memory) LogOriginalAndBank(memory.LastIsOriginal, a, p, n);
        if (miner is MinerWithBank bank)
            foreach (var (key, value) in bank.LastLogs) LastLogs[key] = value;
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
