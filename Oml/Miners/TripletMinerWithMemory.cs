using static System.FormattableString;
using static TorchSharp.torch;

namespace Oml.Miners;

/// <summary>
/// OML's <c>TripletMinerWithMemory(bank_size_in_batches, tri_expand_k)</c> (<c>oml/miners/cross_batch.py</c>), a cross-batch memory miner.
/// The bank (<c>bankSizeInBatches</c> × the first batch size rows) starts with fake labels −1..−bs and one-hot
/// features, and is updated FIFO with the detached batch after every call. A call returns, in this order:
/// <list type="number">
/// <item>n2 = ⌊n·(k−1)/2⌋ in-batch (anchor, positive) pairs drawn with replacement, with random bank negatives;</item>
/// <item>n2 (anchor, positive) pairs from the bank (random bank label groups, all their ordered pairs, shuffled and
/// cut to n2), with random batch negatives;</item>
/// <item>the n in-batch triplets of <see cref="AllTripletsMiner"/> (the "original" ones, <see cref="LastIsOriginal"/>).</item>
/// </list>
/// Triplets of items 1 and 2 whose negative shares the anchor's label are dropped, so the total is k·n exactly
/// while no bank label is a batch label (the first epoch of a BalanceSampler, which uses each label in one batch)
/// and a little less later. The bank holds float32 detached features: no gradient reaches past batches.
/// Unlike OML (quirk Q5 in docs/oml-quirks.md), a bank without any label occurring twice (the first batch with
/// <c>bankSizeInBatches = 1</c>) does not hang: part 2 falls back to the pairs that exist, i.e. it is empty
/// for that call. Randomness comes from a <see cref="System.Random"/> seeded by <c>seed</c>. The bank and the random
/// generator are kept in training checkpoints (<see cref="IStatefulMiner"/>), so a resumed run mines what an
/// uninterrupted one would.
/// </summary>
public sealed class TripletMinerWithMemory : ITripletTensorMiner, IStatefulMiner
{
    private readonly MinerRandom _random;
    private Tensor? _bankFeatures;
    private long[] _bankLabels = [];
    private int _batchSize;
    private int _pointer;

    public TripletMinerWithMemory(int bankSizeInBatches, int triExpandK, int seed = 0)
    {
        if (bankSizeInBatches < 1)
            throw new OmlException(Invariant($"miner.args.bank_size_in_batches must be >= 1, got {bankSizeInBatches}"));
        if (triExpandK < 1)
            throw new OmlException(Invariant($"miner.args.tri_expand_k must be >= 1, got {triExpandK}"));
        BankSizeInBatches = bankSizeInBatches;
        TriExpandK = triExpandK;
        _random = new MinerRandom(seed);
    }

    public int BankSizeInBatches { get; }

    public int TriExpandK { get; }

    /// <summary>One flag per triplet of the last call: true for the in-batch (part 3) triplets.</summary>
    public bool[] LastIsOriginal { get; private set; } = [];

    /// <summary>The triplets, marked original (all three from the batch) or drawn with the memory bank.</summary>
    public MinedTriplets Mine(Tensor features, IReadOnlyList<long> labels)
    {
        var (anchors, positives, negatives) = SampleTensors(features, labels);
        return new MinedTriplets(anchors, positives, negatives) { IsOriginal = LastIsOriginal };
    }

    public (Tensor Anchors, Tensor Positives, Tensor Negatives) SampleTensors(Tensor features, IReadOnlyList<long> labels)
    {
        MinerInput.CheckLabels(labels, nameof(TripletMinerWithMemory));
        MinerInput.CheckFeatures(features, labels.Count, nameof(TripletMinerWithMemory));
        var bs = labels.Count;
        if (_bankFeatures is null) AllocateBank(features, bs);
        else _bankFeatures = MinerState.OnDevice(_bankFeatures, features);
        if (bs != _batchSize)
            throw new OmlException(Invariant($"TripletMinerWithMemory needs every batch to have the first batch's size {_batchSize}; got a batch of {bs} (use drop_last / a BalanceSampler)"));

        // Part 1 (batch only), in AllTripletsMiner order.
        List<long> a1 = [], p1 = [], n1 = [];
        List<(int A, int P)> batchPairs = [];
        for (var i = 0; i < bs; i++)
            for (var j = 0; j < bs; j++)
            {
                if (i == j || labels[i] != labels[j]) continue;
                batchPairs.Add((i, j));
                for (var k = 0; k < bs; k++)
                    if (labels[k] != labels[i]) { a1.Add(i); p1.Add(j); n1.Add(k); }
            }
        var nExtra = (int)((long)a1.Count * (TriExpandK - 1) / 2);
        var bankSize = _bankLabels.Length;

        // Part 2: pairs from the bank (ids offset by bs in cat([batch, bank])), random batch negatives.
        List<long> a2 = [], p2 = [], n2 = [];
        if (nExtra > 0)
        {
            var groups = Enumerable.Range(0, bankSize).GroupBy(i => _bankLabels[i])
                .Where(g => g.Count() > 1).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
            List<(int A, int P)> pairs = [];
            while (groups.Length > 0 && pairs.Count < nExtra)
            {
                var group = groups[_random.Next(groups.Length)];
                foreach (var i in group)
                    foreach (var j in group)
                        if (i != j) pairs.Add((i, j));
            }
            var chosen = pairs.OrderBy(_ => _random.Next()).Take(nExtra).ToArray();
            foreach (var (i, j) in chosen)
            {
                var neg = _random.Next(bs);
                if (labels[neg] == _bankLabels[i]) continue;
                a2.Add(bs + i); p2.Add(bs + j); n2.Add(neg);
            }
        }

        // Part 3: in-batch pairs with replacement, random bank negatives.
        List<long> a3 = [], p3 = [], n3 = [];
        for (var t = 0; t < nExtra; t++)
        {
            var (i, j) = batchPairs[_random.Next(batchPairs.Count)];
            var neg = _random.Next(bankSize);
            if (_bankLabels[neg] == labels[i]) continue;
            a3.Add(i); p3.Add(j); n3.Add(bs + neg);
        }

        LastIsOriginal = Enumerable.Repeat(false, a3.Count + a2.Count).Concat(Enumerable.Repeat(true, a1.Count)).ToArray();
        Tensor anchors, positives, negatives;
        using (var scope = NewDisposeScope())
        {
            var device = features.device;
            var all = cat([features, _bankFeatures!.to(features.dtype)], 0);
            Tensor Pick(params List<long>[] parts) => all.index_select(0, tensor(parts.SelectMany(x => x).ToArray(), device: device));
            anchors = Pick(a3, a2, a1).MoveToOuterDisposeScope();
            positives = Pick(p3, p2, p1).MoveToOuterDisposeScope();
            negatives = Pick(n3, n2, n1).MoveToOuterDisposeScope();
        }
        UpdateBank(features, labels);
        return (anchors, positives, negatives);
    }

    public Dictionary<string, Tensor> SaveState()
    {
        var state = new Dictionary<string, Tensor>();
        MinerState.SaveRandom(state, _random);
        if (_bankFeatures is not null) MinerState.SaveBank(state, _bankFeatures, _bankLabels, _batchSize, _pointer);
        return state;
    }

    public void LoadState(IReadOnlyDictionary<string, Tensor> state, string source)
    {
        var bank = MinerState.LoadBank(state, BankSizeInBatches, source);
        MinerState.LoadRandom(state, _random, source);
        _bankFeatures?.Dispose();
        (_bankFeatures, _bankLabels, _batchSize, _pointer) = bank is { } b ? (b.Features, b.Labels, b.BatchSize, b.Pointer) : (null, [], 0, 0);
    }

    private void AllocateBank(Tensor features, int bs)
    {
        _batchSize = bs;
        var bankSize = BankSizeInBatches * bs;
        var d = (int)features.shape[1];
        _bankLabels = Enumerable.Range(0, bankSize).Select(i => -(long)(i % bs + 1)).ToArray();
        var init = new float[bankSize * d];
        for (var i = 0; i < bankSize; i++) init[i * d + (int)Math.Min(Math.Abs(_bankLabels[i]), d - 1)] = 1;
        using (NewDisposeScope())
            _bankFeatures = tensor(init, [bankSize, d]).to(features.device).MoveToOuterDisposeScope();
        _bankFeatures.DetachFromDisposeScope();
    }

    private void UpdateBank(Tensor features, IReadOnlyList<long> labels)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var bs = labels.Count;
        _bankFeatures!.narrow(0, _pointer, bs).copy_(features.detach().to(_bankFeatures.device).to(ScalarType.Float32));
        for (var i = 0; i < bs; i++) _bankLabels[_pointer + i] = labels[i];
        _pointer = (_pointer + bs) % _bankLabels.Length;
    }
}
