using Oml.Registries;
using Oml.Samplers;
using static Oml.Tests.Registries.OmlBlockFixtures;

namespace Oml.Tests.Registries;

public sealed class SamplerRegistryTests
{
    private static readonly long[] Labels = [0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5];
    private static readonly Dictionary<long, string> Categories = new() { [0] = "a", [1] = "a", [2] = "a", [3] = "b", [4] = "b", [5] = "b" };

    [Fact]
    public void EveryOmlDefaultBlockBuildsWithItsValues()
    {
        Assert.Equal(Names("sampler"), SamplerRegistry.CreateDefault().Names);
        var context = new SamplerContext(Labels, Categories, Seed: 3);
        var balance = Assert.IsType<BalanceSampler>(Registry.Samplers.Create(Block("sampler", "balance"), "sampler", context));
        Assert.Equal((4, 3), (balance.BatchSize, balance.BatchesPerEpoch));
        var category = Assert.IsType<CategoryBalanceSampler>(Registry.Samplers.Create(Block("sampler", "category_balance"), "sampler", context));
        Assert.Equal((4, 3), (category.BatchSize, category.BatchesPerEpoch));
        var distinct = Assert.IsType<DistinctCategoryBalanceSampler>(Registry.Samplers.Create(Block("sampler", "distinct_category_balance"), "sampler", context));
        Assert.Equal((4, 10), (distinct.BatchSize, distinct.BatchesPerEpoch));
        // the seed comes from the context: same seed, same batches
        var again = Registry.Samplers.Create(Block("sampler", "balance"), "sampler", context);
        Assert.Equal(balance.Epoch(1), again.Epoch(1));
    }

    [Fact]
    public void CategorySamplersNeedCategories()
    {
        var e = Assert.Throws<OmlException>(() => Registry.Samplers.Create(Block("sampler", "category_balance"), "sampler", new SamplerContext(Labels)));
        Assert.Contains("sampler 'category_balance' at sampler.args needs the dataset's 'category' column", e.Message);
        Assert.Contains("use sampler 'balance'", e.Message);
    }

    [Fact]
    public void ArgsAreChecked()
    {
        var context = new SamplerContext(Labels, Categories);
        var unknown = Assert.Throws<OmlException>(() => Registry.Samplers.Create("balance",
            BlockArgs.From("sampler.args", ("n_labels", 2L), ("n_instances", 2L), ("n_instance", 3L)), context));
        Assert.Contains("'balance' does not take 'n_instance' at sampler.args; valid keys: label2category, labels, n_instances, n_labels", unknown.Message);
        var wrongType = Assert.Throws<OmlException>(() => Registry.Samplers.Create("balance",
            BlockArgs.From("sampler.args", ("n_labels", 2.5), ("n_instances", 2L)), context));
        Assert.Equal("sampler.args.n_labels = 2.5 is not valid: expected an integer", wrongType.Message);
        var missing = Assert.Throws<OmlException>(() => Registry.Samplers.Create("balance", BlockArgs.From("sampler.args", ("n_labels", 2L)), context));
        Assert.Equal("sampler.args.n_instances is required: expected an integer", missing.Message);
        // OML's pipeline injects labels/label2category into the args; they are accepted (the context is used)
        Assert.NotNull(Registry.Samplers.Create("balance", BlockArgs.From("sampler.args",
            ("n_labels", 2L), ("n_instances", 2L), ("labels", new List<object?>()), ("label2category", null)), context));
    }
}
