using Oml.Miners;

namespace Oml.Tests.Miners;

/// <summary>
/// <see cref="IStatefulMiner"/>: a miner restored from its saved state mines what the original goes on to mine (the
/// end-to-end resume of a training run is in <c>Pipelines/MinerResumeTests</c>).
/// </summary>
public sealed class StatefulMinerTests
{
    private static readonly long[] Labels = [0, 0, 0, 1, 1, 1, 2, 2, 2];

    [Fact]
    public void MinerRandomDrawsWhatAPlainRandomDrawsAndRestoresByReplaying()
    {
        var plain = new Random(5);
        var counted = new MinerRandom(5);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(plain.Next(), counted.Next());
            Assert.Equal(plain.Next(7), counted.Next(7));
            Assert.Equal(plain.Next(3, 1000), counted.Next(3, 1000));
        }
        var restored = new MinerRandom(0);
        restored.Restore(counted.Seed, counted.Draws);
        Assert.Equal(150, restored.Draws);
        for (var i = 0; i < 20; i++) Assert.Equal(counted.Next(i + 1, 100), restored.Next(i + 1, 100));
    }

    public static TheoryData<string> Miners() => ["all_triplets", "triplets_with_memory", "miner_with_bank"];

    private static ITripletMiner Create(string name, int bankSizeInBatches = 2) => name switch
    {
        "all_triplets" => new AllTripletsMiner(maxOutputTriplets: 10, seed: 1),
        "triplets_with_memory" => new TripletMinerWithMemory(bankSizeInBatches, triExpandK: 3, seed: 1),
        _ => new MinerWithBank(bankSizeInBatches, new NHardTripletsMiner(1, 2)),
    };

    [Theory]
    [MemberData(nameof(Miners))]
    public void ARestoredMinerMinesWhatTheOriginalGoesOnToMine(string name)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var batches = Enumerable.Range(0, 6).Select(_ => randn(Labels.Length, 4)).ToArray();
        var original = Create(name);
        foreach (var batch in batches[..3]) original.Mine(batch, Labels);

        var state = ((IStatefulMiner)original).SaveState();
        Assert.All(state.Values, t => Assert.Equal(DeviceType.CPU, t.device_type));
        var restored = Create(name);
        ((IStatefulMiner)restored).LoadState(state, "last.ckpt");

        foreach (var batch in batches[3..])
        {
            var a = original.Mine(batch, Labels);
            var b = restored.Mine(batch, Labels);
            Assert.True(Same(a.Anchors, b.Anchors) && Same(a.Positives, b.Positives) && Same(a.Negatives, b.Negatives), $"{name} mined other triplets after restoring");
        }
    }

    [Theory]
    [InlineData("triplets_with_memory")]
    [InlineData("miner_with_bank")]
    public void TheStateOfAnotherBankSizeIsAClearError(string name)
    {
        using var scope = NewDisposeScope();
        var original = Create(name, bankSizeInBatches: 2);
        original.Mine(randn(Labels.Length, 4), Labels);
        var state = ((IStatefulMiner)original).SaveState();

        var error = Assert.Throws<OmlException>(() => ((IStatefulMiner)Create(name, bankSizeInBatches: 3)).LoadState(state, "run/checkpoints/last.ckpt"));
        Assert.Equal("run/checkpoints/last.ckpt: the miner state does not fit the configured miner (the memory bank holds 18 rows of batches of 9, " +
                     "but bank_size_in_batches = 3 needs 27); resume with the miner block the run was started with", error.Message);
    }

    [Fact]
    public void AMinerThatHasNotMinedYetRestoresToItsFreshState()
    {
        using var scope = NewDisposeScope();
        var fresh = new MinerWithBank(2, new NHardTripletsMiner());
        var restored = new MinerWithBank(2, new NHardTripletsMiner());
        restored.LoadState(fresh.SaveState(), "last.ckpt");
        var features = randn(Labels.Length, 4);
        Assert.True(Same(fresh.Mine(features, Labels).Anchors, restored.Mine(features, Labels).Anchors));
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.allclose(b, 0, 0);
}
