using Oml;
using Oml.Miners;

namespace Oml.Tests.Miners;

/// <summary><see cref="MinerWithBank"/>: golden case T22's <c>_prepare_logs</c> case (docs/oml-golden-cases.md) and the
/// equivalence that OML's <c>tests/test_oml/test_miners/test_miner_with_bank.py: test_top_miner_with_bank</c> checks.</summary>
public sealed class MinerWithBankTests
{
    [Fact]
    public void T22PrepareLogs()
    {
        bool[] ignore = [false, true, true, false, true, true, false, true, true];
        var logs = MinerWithBank.PrepareLogs([0, 3, 6], [1, 4, 7], [2, 5, 8], ignore);
        Assert.Equal(1.0, logs["positives_from_bank"]);
        Assert.Equal(0.0, logs["positives_from_batch"]);
        Assert.Equal(1.0, logs["negatives_from_bank"]);
        Assert.Equal(0.0, logs["negatives_from_batch"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void EqualsNHardOnBatchAndPreviousBatchesWithCurrentAnchors(int bankSizeInBatches)
    {
        var nhard = new NHardTripletsMiner(2, (1, 3));
        var miner = new MinerWithBank(bankSizeInBatches, nhard);
        var random = new Random(0);
        var generator = new TorchSharp.torch.Generator(0);
        List<(Tensor X, long[] Labels)> history = [];
        using var scope = NewDisposeScope();
        for (var step = 0; step < 7; step++)
        {
            var labels = Enumerable.Range(0, 8).OrderBy(_ => random.Next()).Take(3).SelectMany(l => Enumerable.Repeat((long)l, 3)).ToArray();
            var x = randn(9, 5, generator: generator);
            var (a, p, n) = miner.SampleTensors(x, labels);

            // The reference: NHard on [current; previous batches] once the bank is full, anchors from the current batch.
            var previous = history.Count >= bankSizeInBatches ? history.Skip(history.Count - bankSizeInBatches).ToList() : [];
            var all = cat([x, .. previous.Select(h => h.X)], 0);
            var allLabels = labels.Concat(previous.SelectMany(h => h.Labels)).ToArray();
            var ignore = Enumerable.Range(0, allLabels.Length).Select(i => i >= 9).ToArray();
            var (ea, ep, en) = nhard.SampleFromDistances(MinerInput.Distances(all), allLabels, ignore);
            Tensor Pick(int[] ids) => all.index_select(0, tensor(ids.Select(i => (long)i).ToArray()));
            Assert.Equal(ea.Length, (int)a.shape[0]);
            Assert.True(Pick(ea).allclose(a, 0, 0) && Pick(ep).allclose(p, 0, 0) && Pick(en).allclose(n, 0, 0), $"step {step}");
            if (previous.Count > 0) Assert.True(miner.LastLogs["negatives_from_bank"] > 0);
            else Assert.Equal(0.0, miner.LastLogs["positives_from_bank"]);
            history.Add((x, labels));
        }
    }

    [Fact]
    public void BatchSizeMustStayTheSame()
    {
        var miner = new MinerWithBank(2, new NHardTripletsMiner());
        using var scope = NewDisposeScope();
        miner.SampleTensors(randn(4, 3), [0, 0, 1, 1]);
        Assert.Contains("first batch's size 4", Assert.Throws<OmlException>(() => miner.SampleTensors(randn(6, 3), [0, 0, 1, 1, 2, 2])).Message);
        Assert.Throws<OmlException>(() => new MinerWithBank(0, new NHardTripletsMiner()));
    }
}
