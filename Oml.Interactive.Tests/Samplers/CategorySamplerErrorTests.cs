using Oml.Samplers;

namespace Oml.Tests.Samplers;

/// <summary>The validation both category samplers share (the errors of OML's <c>oml/samplers/category_balance.py:
/// CategoryBalanceSampler</c>, without the AttributeError of quirk Q19 in docs/oml-quirks.md).</summary>
public sealed class CategorySamplerErrorTests
{
    private static readonly long[] Labels = CategorySamplerData.ExampleLabels;
    private static readonly Dictionary<long, string> L2C = CategorySamplerData.ExampleLabel2Category;

    public static TheoryData<string> Samplers => new() { "CategoryBalanceSampler", "DistinctCategoryBalanceSampler" };

    private static IBatchSampler Create(
        string sampler, int nCategories, int nLabels, int nInstances,
        long[]? labels = null, Dictionary<long, string>? l2c = null) =>
        sampler == "CategoryBalanceSampler"
            ? new CategoryBalanceSampler(labels ?? Labels, l2c ?? L2C, nCategories, nLabels, nInstances)
            : new DistinctCategoryBalanceSampler(labels ?? Labels, l2c ?? L2C, nCategories, nLabels, nInstances, epochSize: 5);

    private static void AssertMessage(string expected, Func<IBatchSampler> create) =>
        Assert.Equal(expected, Assert.Throws<OmlException>(create).Message);

    [Theory]
    [MemberData(nameof(Samplers))]
    public void NCategoriesOutOfRange(string sampler)
    {
        foreach (var n in new[] { 0, 3 })
            AssertMessage(
                $"{sampler}: n_categories={n} but the train split has 2 categories; n_categories must be between 1 and 2 (the distinct categories in one batch)",
                () => Create(sampler, n, 2, 2));
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void NLabelsOutOfRange(string sampler)
    {
        foreach (var n in new[] { 1, 7 })
            AssertMessage(
                $"{sampler}: n_labels={n} but the train split has 6 labels; n_labels must be between 2 and 6 (the labels drawn per category in one batch)",
                () => Create(sampler, 1, n, 2));
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void NInstancesBelowTwo(string sampler) =>
        AssertMessage(
            $"{sampler}: n_instances=1 but it must be at least 2 (each label needs a positive pair in a batch)",
            () => Create(sampler, 1, 2, 1));

    [Theory]
    [MemberData(nameof(Samplers))]
    public void LabelWithoutCategory(string sampler)
    {
        var l2c = new Dictionary<long, string>(L2C);
        l2c.Remove(4);
        AssertMessage(
            $"{sampler}: label2category has no category for 1 train label(s): 4; every train label needs a category",
            () => Create(sampler, 1, 2, 2, l2c: l2c));
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void MappingWithLabelsOutsideTheTrainSplit(string sampler)
    {
        var l2c = new Dictionary<long, string>(L2C) { [42] = "a", [7] = "b" };
        var e = Assert.Throws<OmlException>(() => Create(sampler, 1, 2, 2, l2c: l2c));
        Assert.Equal(
            $"{sampler}: label2category maps 2 label(s) that are not in the train split: 7, 42; it must hold exactly the train labels",
            e.Message);
        Assert.Equal(["label 7", "label 42"], e.Details);
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void LabelWithOneSample(string sampler) =>
        AssertMessage(
            $"{sampler}: every label needs at least 2 samples (a positive pair), but 1 label(s) have only 1: 5 (1). Drop or merge these labels in the train split.",
            () => Create(sampler, 1, 2, 2, labels: [0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5]));

    [Theory]
    [MemberData(nameof(Samplers))]
    public void EmptyTrainSplit(string sampler) =>
        AssertMessage(
            $"{sampler}: the train split is empty; a sampler needs labelled rows to build batches",
            () => Create(sampler, 1, 2, 2, labels: [], l2c: []));
}
