using static System.FormattableString;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Losses;

/// <summary>
/// OML's <c>ArcFaceLoss(in_features, num_classes, m, s, smoothing_epsilon, label2category, reduction)</c>
/// (<c>oml/losses/arcface.py</c>):
/// a Xavier-uniform weight [num_classes, in_features] and <see cref="LossFunctions.ArcFace"/> (sin clamped, quirk Q10 in docs/oml-quirks.md).
/// <c>label2category</c> must map every class 0..num_classes−1 (its values are ranked by sorted order, as OML);
/// it is used only when smoothing is on. <see cref="LastLogs"/> holds <c>accuracy</c>.
/// </summary>
public sealed class ArcFaceLoss : nn.Module<Tensor, Tensor, Tensor>
{
    public const string CriterionName = "arcface";

    private readonly Parameter weight;
    private readonly long[]? categories;

    public ArcFaceLoss(int inFeatures, int numClasses, double m = 0.5, double s = 64, double smoothingEpsilon = 0,
        IReadOnlyDictionary<long, string>? label2Category = null, LossReduction reduction = LossReduction.Mean)
        : base(nameof(ArcFaceLoss))
    {
        if (inFeatures < 1) throw new OmlException(Invariant($"criterion.args.in_features must be a positive integer, got {inFeatures}"));
        if (numClasses < 1) throw new OmlException(Invariant($"criterion.args.num_classes must be a positive integer, got {numClasses}"));
        if (!(smoothingEpsilon >= 0 && smoothingEpsilon < 1)) throw new OmlException(Invariant($"criterion.args.smoothing_epsilon must satisfy 0 <= epsilon < 1, got {smoothingEpsilon}"));
        if (!double.IsFinite(m) || !double.IsFinite(s) || s <= 0) throw new OmlException(Invariant($"criterion.args.m must be finite and criterion.args.s positive, got m = {m}, s = {s}"));
        M = m;
        S = s;
        SmoothingEpsilon = smoothingEpsilon;
        Reduction = reduction;
        if (label2Category is not null)
        {
            var missing = Enumerable.Range(0, numClasses).Where(c => !label2Category.ContainsKey(c)).ToList();
            if (missing.Count > 0)
                throw new OmlException(Invariant($"criterion.args.label2category must give a category for every class 0..{numClasses - 1}; missing: {string.Join(", ", missing.Take(20))}{(missing.Count > 20 ? ", ..." : "")}"));
            var ranks = label2Category.Values.Distinct().Order(StringComparer.Ordinal).Select((c, i) => (c, i)).ToDictionary(t => t.c, t => (long)t.i, StringComparer.Ordinal);
            categories = Enumerable.Range(0, numClasses).Select(c => ranks[label2Category[c]]).ToArray();
        }
        weight = nn.Parameter(empty(numClasses, inFeatures));
        nn.init.xavier_uniform_(weight);
        RegisterComponents();
    }

    public double M { get; }

    public double S { get; }

    public double SmoothingEpsilon { get; }

    public LossReduction Reduction { get; }

    /// <summary>The class centres [num_classes, in_features] (state-dict key <c>weight</c>, as OML).</summary>
    public Parameter Weight => weight;

    public Dictionary<string, double> LastLogs { get; } = new();

    public override Tensor forward(Tensor features, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var cats = categories is null ? null : tensor(categories);
        return LossFunctions.ArcFace(features, weight, labels, M, S, SmoothingEpsilon, cats, Reduction, LastLogs).MoveToOuterDisposeScope();
    }
}
