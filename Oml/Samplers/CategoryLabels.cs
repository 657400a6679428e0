using static System.FormattableString;

namespace Oml.Samplers;

/// <summary>
/// The validated input of the category samplers: rows per label, labels per category (categories in ordinal
/// order, labels ascending), and the checks OML's category samplers make, as <see cref="OmlException"/>s.
/// </summary>
internal sealed class CategoryLabels
{
    public CategoryLabels(
        IReadOnlyList<long> labels, IReadOnlyDictionary<long, string> label2category,
        int nCategories, int nLabels, int nInstances, string sampler)
    {
        ArgumentNullException.ThrowIfNull(label2category);
        Groups = new LabelGroups(labels, sampler);
        ThrowIfMappingDoesNotMatch(Groups, label2category, sampler);

        var byCategory = new SortedDictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var label in Groups.Labels)
        {
            var category = label2category[label];
            if (!byCategory.TryGetValue(category, out var list)) byCategory[category] = list = [];
            list.Add(label);
        }
        Categories = [.. byCategory.Keys];
        LabelsOf = [.. byCategory.Values.Select(v => v.ToArray())];

        var c = Categories.Length;
        var l = Groups.Count;
        if (nCategories < 1 || nCategories > c)
            throw new OmlException(Invariant($"{sampler}: n_categories={nCategories} but the train split has {c} categories; n_categories must be between 1 and {c} (the distinct categories in one batch)"));
        if (nLabels < 2 || nLabels > l)
            throw new OmlException(Invariant($"{sampler}: n_labels={nLabels} but the train split has {l} labels; n_labels must be between 2 and {l} (the labels drawn per category in one batch)"));
        if (nInstances < 2)
            throw new OmlException(Invariant($"{sampler}: n_instances={nInstances} but it must be at least 2 (each label needs a positive pair in a batch)"));
        Groups.ThrowIfAnyLabelHasFewerThanTwoSamples(sampler);
    }

    public LabelGroups Groups { get; }

    /// <summary>The distinct categories of the train labels, ordinal order.</summary>
    public string[] Categories { get; }

    /// <summary>The labels of <c>Categories[i]</c>, ascending.</summary>
    public long[][] LabelsOf { get; }

    /// <summary>OML's "All the categories must have at least n_labels unique labels", naming the short ones.</summary>
    public void ThrowIfAnyCategoryHasFewerLabelsThan(int nLabels, string sampler, string remedy)
    {
        var shortOnes = Enumerable.Range(0, Categories.Length).Where(i => LabelsOf[i].Length < nLabels).ToArray();
        if (shortOnes.Length == 0) return;
        var details = shortOnes
            .Select(i => Invariant($"category '{Categories[i]}': {LabelsOf[i].Length} label(s) ({string.Join(", ", LabelsOf[i])})"))
            .ToArray();
        var names = string.Join(", ", shortOnes.Select(i => Invariant($"category '{Categories[i]}' has {LabelsOf[i].Length}")));
        throw new OmlException(
            Invariant($"{sampler}: All the categories must have at least {nLabels} unique labels (n_labels={nLabels}), but {names}. {remedy}"),
            details);
    }

    private static void ThrowIfMappingDoesNotMatch(LabelGroups groups, IReadOnlyDictionary<long, string> label2category, string sampler)
    {
        var missing = groups.Labels.Where(l => !label2category.ContainsKey(l)).ToArray();
        if (missing.Length > 0)
            throw new OmlException(
                Invariant($"{sampler}: label2category has no category for {missing.Length} train label(s): {Preview(missing)}; every train label needs a category"),
                [.. missing.Select(l => Invariant($"label {l}"))]);
        var extra = label2category.Keys.Where(l => !groups.Contains(l)).Order().ToArray();
        if (extra.Length > 0)
            throw new OmlException(
                Invariant($"{sampler}: label2category maps {extra.Length} label(s) that are not in the train split: {Preview(extra)}; it must hold exactly the train labels"),
                [.. extra.Select(l => Invariant($"label {l}"))]);
    }

    private static string Preview(long[] labels) =>
        string.Join(", ", labels.Take(10).Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        + (labels.Length > 10 ? Invariant($", ... ({labels.Length - 10} more)") : "");
}
