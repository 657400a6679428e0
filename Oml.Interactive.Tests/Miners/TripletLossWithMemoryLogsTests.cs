using Oml.Miners;

namespace Oml.Tests.Miners;

/// <summary>Golden case T22's bank-log test (docs/oml-golden-cases.md): TripletLossWithMiner's extra logs with <see cref="TripletMinerWithMemory"/> and <see cref="MinerWithBank"/>.</summary>
public sealed class TripletLossWithMemoryLogsTests
{
    [Fact]
    public void T22BankLogsAreTheWeightedParts()
    {
        using var scope = NewDisposeScope();
        long[] labels = [.. Enumerable.Repeat(0L, 4), .. Enumerable.Repeat(1L, 3), .. Enumerable.Repeat(2L, 6), .. Enumerable.Repeat(3L, 2)];
        var miner = new TripletMinerWithMemory(bankSizeInBatches: 3, triExpandK: 2, seed: 0);
        using var loss = new Oml.Losses.TripletLossWithMiner(0.5, miner, Oml.Losses.LossReduction.None);
        var value = loss.Forward(randn(15, 4, generator: new TorchSharp.torch.Generator(0)), labels);
        Assert.Equal(1000, (int)value.shape[0]);
        Assert.Equal(500, miner.LastIsOriginal.Count(x => x));
        var logs = loss.LastLogs;
        foreach (var (total, orig, bank) in new[] { ("active_tri", "orig_active_tri", "bank_active_tri"), ("pos_dist", "pos_dist_orig", "pos_dist_bank"), ("neg_dist", "neg_dist_orig", "neg_dist_bank") })
            Assert.Equal(logs[total], 0.5 * logs[orig] + 0.5 * logs[bank], 1e-6);
    }

    [Fact]
    public void MinerWithBankLogsReachTheLoss()
    {
        using var scope = NewDisposeScope();
        using var loss = new Oml.Losses.TripletLossWithMiner(0.5, new MinerWithBank(1, new NHardTripletsMiner()));
        loss.Forward(randn(4, 3), [0, 0, 1, 1]);
        loss.Forward(randn(4, 3), [0, 0, 1, 1]);
        Assert.Equal(1.0, loss.LastLogs["positives_from_bank"] + loss.LastLogs["positives_from_batch"], 9);
        Assert.True(loss.LastLogs.ContainsKey("negatives_from_bank"));
    }
}
