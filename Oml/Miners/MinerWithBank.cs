using static System.FormattableString;
using static TorchSharp.torch;

namespace Oml.Miners;

/// <summary>
/// OML's <c>MinerWithBank(bank_size_in_batches, miner)</c> (<c>oml/miners/miner_with_bank.py</c>): a FIFO bank of the last
/// <c>bankSizeInBatches</c> batches (detached). Until the bank is full (it becomes usable on the call after the one
/// that fills it) this is the plain <see cref="NHardTripletsMiner"/> on the batch; afterwards the miner runs on
/// [batch; bank] with anchors from the current batch only, positives and negatives from either. Every batch must
/// have the first batch's size. <see cref="LastLogs"/> (when <c>needLogs</c>) holds, averaged over anchors, how many
/// distinct positives / negatives of each anchor came from the bank and from the batch. The bank is kept in training
/// checkpoints (<see cref="IStatefulMiner"/>), so a resumed run mines what an uninterrupted one would.
/// </summary>
public sealed class MinerWithBank(int bankSizeInBatches, NHardTripletsMiner miner, bool needLogs = true) : ITripletTensorMiner, IStatefulMiner
{
    private Tensor? _bankFeatures;
    private long[] _bankLabels = [];
    private int _batchSize;
    private int _pointer;
    private bool _isAccumulated;

    public NHardTripletsMiner Miner { get; } = miner ?? throw new ArgumentNullException(nameof(miner));

    public int BankSizeInBatches { get; } = bankSizeInBatches >= 1
        ? bankSizeInBatches
        : throw new OmlException(Invariant($"miner.args.bank_size_in_batches must be >= 1, got {bankSizeInBatches}"));

    public bool NeedLogs { get; } = needLogs;

    public Dictionary<string, double> LastLogs { get; private set; } = new();

    /// <summary>The triplets with the miner's logs (<see cref="LastLogs"/>).</summary>
    public MinedTriplets Mine(Tensor features, IReadOnlyList<long> labels)
    {
        var (anchors, positives, negatives) = SampleTensors(features, labels);
        return new MinedTriplets(anchors, positives, negatives) { Logs = new Dictionary<string, double>(LastLogs) };
    }

    public (Tensor Anchors, Tensor Positives, Tensor Negatives) SampleTensors(Tensor features, IReadOnlyList<long> labels)
    {
        MinerInput.CheckLabels(labels, nameof(MinerWithBank));
        MinerInput.CheckFeatures(features, labels.Count, nameof(MinerWithBank));
        var bs = labels.Count;
        if (_bankFeatures is null)
        {
            _batchSize = bs;
            _bankLabels = new long[BankSizeInBatches * bs];
            using (NewDisposeScope())
                _bankFeatures = zeros(_bankLabels.Length, features.shape[1], dtype: features.dtype, device: features.device).MoveToOuterDisposeScope();
            _bankFeatures.DetachFromDisposeScope();
        }
        else
        {
            _bankFeatures = MinerState.OnDevice(_bankFeatures, features);
            if (bs != _batchSize)
                throw new OmlException(Invariant($"MinerWithBank needs every batch to have the first batch's size {_batchSize}; got a batch of {bs} (use drop_last / a BalanceSampler)"));
        }

        (Tensor A, Tensor P, Tensor N) result;
        using (var scope = NewDisposeScope())
        {
            var all = _isAccumulated ? cat([features, _bankFeatures.to(features.dtype)], 0) : features;
            var allLabels = _isAccumulated ? labels.Concat(_bankLabels).ToArray() : labels.ToArray();
            var ignore = Enumerable.Range(0, allLabels.Length).Select(i => i >= bs).ToArray();
            var (a, p, n) = Miner.SampleFromDistances(MinerInput.Distances(all), allLabels, ignore);
            if (NeedLogs) LastLogs = PrepareLogs(a, p, n, ignore);
            var device = features.device;
            Tensor Pick(int[] ids) => all.index_select(0, tensor(ids.Select(i => (long)i).ToArray(), device: device)).MoveToOuterDisposeScope();
            result = (Pick(a), Pick(p), Pick(n));
        }
        UpdateBank(features, labels);
        return result;
    }

    public Dictionary<string, Tensor> SaveState()
    {
        var state = new Dictionary<string, Tensor>();
        if (_bankFeatures is null) return state;
        MinerState.SaveBank(state, _bankFeatures, _bankLabels, _batchSize, _pointer);
        state["bank.is_accumulated"] = MinerState.Number(_isAccumulated ? 1 : 0);
        return state;
    }

    public void LoadState(IReadOnlyDictionary<string, Tensor> state, string source)
    {
        var bank = MinerState.LoadBank(state, BankSizeInBatches, source);
        var accumulated = bank is not null && MinerState.ReadNumber(state, "bank.is_accumulated", source) != 0;
        _bankFeatures?.Dispose();
        (_bankFeatures, _bankLabels, _batchSize, _pointer) = bank is { } b ? (b.Features, b.Labels, b.BatchSize, b.Pointer) : (null, [], 0, 0);
        _isAccumulated = accumulated;
    }

    /// <summary>OML's <c>_prepare_logs</c>: per anchor of the distinct triplets, its distinct positives / negatives from bank and batch, averaged.</summary>
    internal static Dictionary<string, double> PrepareLogs(int[] a, int[] p, int[] n, bool[] fromBank)
    {
        var unique = a.Select((x, i) => (A: x, P: p[i], N: n[i])).Distinct().ToArray();
        var anchors = unique.Select(t => t.A).Distinct().ToArray();
        if (anchors.Length == 0) return new();
        double posBank = 0, posBatch = 0, negBank = 0, negBatch = 0;
        foreach (var anchor in anchors)
        {
            var pos = unique.Where(t => t.A == anchor).Select(t => t.P).Distinct().ToArray();
            var neg = unique.Where(t => t.A == anchor).Select(t => t.N).Distinct().ToArray();
            posBank += pos.Count(i => fromBank[i]); posBatch += pos.Count(i => !fromBank[i]);
            negBank += neg.Count(i => fromBank[i]); negBatch += neg.Count(i => !fromBank[i]);
        }
        return new()
        {
            ["positives_from_bank"] = posBank / anchors.Length,
            ["positives_from_batch"] = posBatch / anchors.Length,
            ["negatives_from_bank"] = negBank / anchors.Length,
            ["negatives_from_batch"] = negBatch / anchors.Length,
        };
    }

    private void UpdateBank(Tensor features, IReadOnlyList<long> labels)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var bs = labels.Count;
        if (!_isAccumulated) _isAccumulated = _pointer + bs >= _bankLabels.Length;
        _bankFeatures!.narrow(0, _pointer, bs).copy_(features.detach().to(_bankFeatures.device).to(_bankFeatures.dtype));
        for (var i = 0; i < bs; i++) _bankLabels[_pointer + i] = labels[i];
        _pointer = (_pointer + bs) % _bankLabels.Length;
    }
}
