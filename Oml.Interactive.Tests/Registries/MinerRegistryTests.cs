using Oml.Miners;
using Oml.Registries;
using static Oml.Tests.Registries.OmlBlockFixtures;

namespace Oml.Tests.Registries;

public sealed class MinerRegistryTests
{
    private static readonly MinerContext Seed0 = new(0);

    [Fact]
    public void EveryOmlDefaultBlockBuildsWithItsValues()
    {
        Assert.Equal(Names("miner"), MinerRegistry.CreateDefault().Names);
        var built = Names("miner").ToDictionary(n => n, n => Registry.Miners.Create(Block("miner", n), "miner", Seed0));
        Assert.IsType<AllTripletsMiner>(built["all_triplets"]);
        Assert.IsType<HardTripletsMiner>(built["hard_triplets"]);
        Assert.IsType<HardClusterMiner>(built["hard_cluster"]);
        var nHard = Assert.IsType<NHardTripletsMiner>(built["n_hard_triplets"]);
        Assert.Equal((new HardnessRange(1, 2), new HardnessRange(1, 2)), (nHard.NPositive, nHard.NNegative));
        var memory = Assert.IsType<TripletMinerWithMemory>(built["triplets_with_memory"]);
        Assert.Equal((20, 3), (memory.BankSizeInBatches, memory.TriExpandK));
        var bank = Assert.IsType<MinerWithBank>(built["miner_with_bank"]);
        Assert.Equal((3, true, new HardnessRange(1, 1)), (bank.BankSizeInBatches, bank.NeedLogs, bank.Miner.NNegative));
    }

    [Fact]
    public void HardnessIsAnIntOrARange()
    {
        var miner = (NHardTripletsMiner)Registry.Miners.Create("n_hard_triplets",
            BlockArgs.From("miner.args", ("n_positive", new List<object?> { 2L, 4L })), Seed0);
        Assert.Equal((new HardnessRange(2, 4), new HardnessRange(1, 1)), (miner.NPositive, miner.NNegative));
        var all = (AllTripletsMiner)Registry.Miners.Create("all_triplets", BlockArgs.From("miner.args", ("max_output_triplets", 512L)), Seed0);
        Assert.Equal(512, all.MaxOutputTriplets);

        var reversed = Assert.Throws<OmlException>(() => Registry.Miners.Create("n_hard_triplets",
            BlockArgs.From("miner.args", ("n_negative", new List<object?> { 3L, 1L })), Seed0));
        Assert.Contains("miner.args.n_negative: a hardness range (a, b) needs 1 <= a <= b, got (3, 1)", reversed.Message);
        var three = Assert.Throws<OmlException>(() => Registry.Miners.Create("n_hard_triplets",
            BlockArgs.From("miner.args", ("n_negative", new List<object?> { 1L, 2L, 3L })), Seed0));
        Assert.Equal("miner.args.n_negative = [1, 2, 3] is not valid: expected an integer n or a range [a, b] with 1 <= a <= b", three.Message);
        var zero = Assert.Throws<OmlException>(() => Registry.Miners.Create("n_hard_triplets", BlockArgs.From("miner.args", ("n_positive", 0L)), Seed0));
        Assert.Contains("miner.args.n_positive = 0 is not valid", zero.Message);
    }

    [Fact]
    public void MinerWithBankNeedsAnNHardMinerInside()
    {
        var e = Assert.Throws<OmlException>(() => Registry.Miners.Create("miner_with_bank", BlockArgs.From("miner.args",
            ("bank_size_in_batches", 2L), ("miner", Map(("name", "all_triplets"), ("args", Map())))), Seed0));
        Assert.Contains("miner.args.miner must be an n_hard_triplets miner", e.Message);
        var missing = Assert.Throws<OmlException>(() => Registry.Miners.Create("miner_with_bank", BlockArgs.Empty("miner.args"), Seed0));
        Assert.Equal("miner.args.bank_size_in_batches is required: expected an integer", missing.Message);
        var typo = Assert.Throws<OmlException>(() => Registry.Miners.Create("miner_with_bank", BlockArgs.From("miner.args",
            ("bank_size_in_batches", 2L), ("miner", Map(("name", "n_hard_triplet")))), Seed0));
        Assert.Contains("Unknown miner 'n_hard_triplet' (did you mean 'n_hard_triplets'?)", typo.Message);
    }
}
