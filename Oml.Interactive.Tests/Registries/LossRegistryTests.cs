using Oml.Losses;
using Oml.Miners;
using Oml.Registries;
using static Oml.Tests.Registries.OmlBlockFixtures;

namespace Oml.Tests.Registries;

public sealed class LossRegistryTests
{
    private static readonly LossContext NoCategories = new();

    [Fact]
    public void NamesAreOmlsPlusContrastiveAndMultiSimilarity()
    {
        Assert.Equal(["arcface", "contrastive", "mlp_arcface", "multi_similarity", "surrogate_precision", "triplet", "triplet_plain", "triplet_with_miner"],
            LossRegistry.CreateDefault().Names);
        Assert.Equal(Names("criterion"), LossRegistry.CreateDefault().Names.Except(["contrastive", "multi_similarity"]));
    }

    [Fact]
    public void EveryOmlDefaultBlockBuilds()
    {
        foreach (var name in Names("criterion"))
        {
            using var loss = Registry.Losses.Create(Block("criterion", name), "criterion", NoCategories);
            Assert.NotNull(loss);
        }
        Assert.IsType<ContrastiveLoss>(Registry.Losses.Create("contrastive", BlockArgs.Empty("criterion.args"), NoCategories));
        var ms = Assert.IsType<MultiSimilarityLoss>(Registry.Losses.Create("multi_similarity", BlockArgs.Empty("criterion.args"), NoCategories));
        Assert.Equal((2.0, 50.0, 0.5, 0.1), (ms.Alpha, ms.Beta, ms.Base, ms.Epsilon));
    }

    [Fact]
    public void BuiltLossesHaveTheConfiguredValues()
    {
        var triplet = Assert.IsType<TripletLoss>(Registry.Losses.Create(Block("criterion", "triplet"), "criterion", NoCategories));
        Assert.Null(triplet.Margin); // margin: null → soft margin
        Assert.Equal(LossReduction.Mean, triplet.Reduction);

        var withMiner = Assert.IsType<TripletLossWithMiner>(Registry.Losses.Create(Block("criterion", "triplet_with_miner"), "criterion", NoCategories));
        Assert.IsType<AllTripletsMiner>(withMiner.Miner);

        var arcface = Assert.IsType<ArcFaceLoss>(Registry.Losses.Create(Block("criterion", "arcface"), "criterion", NoCategories));
        Assert.Equal((0.4, 64.0, 0.0), (arcface.M, arcface.S, arcface.SmoothingEpsilon));
        Assert.Equal([3985L, 384L], arcface.Weight.shape);

        var sp = Assert.IsType<SurrogatePrecision>(Registry.Losses.Create(Block("criterion", "surrogate_precision"), "criterion", NoCategories));
        Assert.Equal((5, 1.0, 0.01), (sp.K, sp.Temperature1, sp.Temperature2));

        var mlp = Assert.IsType<ArcFaceLossWithMlp>(Registry.Losses.Create(Block("criterion", "mlp_arcface"), "criterion", NoCategories));
        Assert.Equal([512, 256], mlp.MlpFeatures);

        var summed = Assert.IsType<TripletLossPlain>(Registry.Losses.Create("triplet_plain",
            BlockArgs.From("criterion.args", ("margin", 0.2), ("reduction", "sum"), ("need_logs", true)), NoCategories));
        Assert.Equal((0.2, LossReduction.Sum), (summed.Margin, summed.Reduction));
    }

    [Fact]
    public void TripletWithMinerBuildsItsMinerBlockThroughTheMinerRegistry()
    {
        var loss = Assert.IsType<TripletLossWithMiner>(Registry.Losses.Create("triplet_with_miner", BlockArgs.From("criterion.args",
            ("margin", 0.1),
            ("miner", Map(("name", "n_hard_triplets"), ("args", Map(("n_positive", new List<object?> { 1L, 3L }), ("n_negative", 2L)))))),
            NoCategories));
        var miner = Assert.IsType<NHardTripletsMiner>(loss.Miner);
        Assert.Equal(new HardnessRange(1, 3), miner.NPositive);
        Assert.Equal(new HardnessRange(1, 2), miner.NNegative);

        var banked = Assert.IsType<TripletLossWithMiner>(Registry.Losses.Create("triplet_with_miner", BlockArgs.From("criterion.args",
            ("margin", null), ("miner", Block("miner", "miner_with_bank"))), NoCategories));
        var bank = Assert.IsType<MinerWithBank>(banked.Miner);
        Assert.Equal(3, bank.BankSizeInBatches);
        Assert.Equal(new HardnessRange(1, 1), bank.Miner.NPositive);
    }

    [Fact]
    public void ErrorsNameTheConfigPath()
    {
        var unknownName = Assert.Throws<OmlException>(() => Registry.Losses.Create("tripplet", BlockArgs.Empty("criterion.args"), NoCategories));
        Assert.Contains("Unknown loss 'tripplet' (did you mean 'triplet'?)", unknownName.Message);

        var unknownKey = Assert.Throws<OmlException>(() => Registry.Losses.Create("triplet",
            BlockArgs.From("criterion.args", ("margin", 0.2), ("margni", 0.3)), NoCategories));
        Assert.Contains("'triplet' does not take 'margni' at criterion.args; valid keys: label2category, margin, need_logs, reduction", unknownKey.Message);
        Assert.Contains("criterion.args.margni: unknown key (did you mean 'margin'?)", unknownKey.ToUserText());

        var wrongType = Assert.Throws<OmlException>(() => Registry.Losses.Create("triplet", BlockArgs.From("criterion.args", ("margin", "big")), NoCategories));
        Assert.Equal("criterion.args.margin = 'big' is not valid: expected a number", wrongType.Message);

        var reduction = Assert.Throws<OmlException>(() => Registry.Losses.Create("triplet", BlockArgs.From("criterion.args", ("margin", null), ("reduction", "avg")), NoCategories));
        Assert.Equal("criterion.args.reduction = 'avg' is not valid: expected one of mean, sum, none", reduction.Message);

        var noMargin = Assert.Throws<OmlException>(() => Registry.Losses.Create("triplet", BlockArgs.Empty("criterion.args"), NoCategories));
        Assert.Contains("criterion.args.margin is required", noMargin.Message);

        var nestedMiner = Assert.Throws<OmlException>(() => Registry.Losses.Create("triplet_with_miner", BlockArgs.From("criterion.args",
            ("margin", null), ("miner", Map(("name", "hard_triplets"), ("args", Map(("n", 1L)))))), NoCategories));
        Assert.Contains("at criterion.args.miner.args", nestedMiner.Message);
    }

    [Fact]
    public void ArcFaceChecksNumClassesAgainstTheTrainLabelsAndUsesCategoriesForSmoothing()
    {
        var tooFew = Assert.Throws<OmlException>(() => Registry.Losses.Create("arcface",
            BlockArgs.From("criterion.args", ("in_features", 4L), ("num_classes", 3L)), new LossContext(NumTrainLabels: 5)));
        Assert.Contains("criterion.args.num_classes = 3 is smaller than the 5 labels of the train split", tooFew.Message);

        var label2Category = new Dictionary<long, string> { [0] = "a", [1] = "a", [2] = "b" };
        using var smoothed = Registry.Losses.Create("arcface", BlockArgs.From("criterion.args", ("in_features", 4L), ("num_classes", 3L),
            ("smoothing_epsilon", 0.1), ("label2category", "injected by OML, ignored")), new LossContext(label2Category, 3));
        using var scope = NewDisposeScope();
        var value = ((ArcFaceLoss)smoothed).forward(randn(6, 4), tensor(new long[] { 0, 1, 2, 0, 1, 2 }));
        Assert.True(double.IsFinite(value.item<float>()));
    }

    [Fact]
    public void UsersCanAddALoss()
    {
        Registry.Losses["registry_test_loss"] = (args, context) => new ContrastiveLoss(args.GetDouble("margin", 0.3), 1, LossReduction.Mean);
        try
        {
            var loss = Assert.IsType<ContrastiveLoss>(Registry.Losses.Create(
                Map(("name", "registry_test_loss"), ("args", Map(("margin", 0.25)))), "criterion", NoCategories));
            Assert.Equal(0.25, loss.PosMargin);
        }
        finally
        {
            Registry.Losses.Remove("registry_test_loss");
        }
    }
}
