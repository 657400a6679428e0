using static System.FormattableString;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Losses;

/// <summary>
/// OML's <c>ArcFaceLossWithMLP(in_features, num_classes, mlp_features, m, s, smoothing_epsilon, label2category,
/// reduction)</c> (<c>oml/losses/arcface.py</c>): a torchvision-style MLP (Linear → ReLU → Dropout(0) per hidden layer, then a last Linear +
/// Dropout(0)) feeding <see cref="ArcFaceLoss"/>(mlp_features[−1], ...). State-dict keys are torchvision's:
/// <c>mlp.0.weight</c>, <c>mlp.0.bias</c>, <c>mlp.3.*</c>, ... and <c>arcface.weight</c>. The MLP belongs to the
/// criterion (discarded at inference). <see cref="LastLogs"/> are ArcFace's; there is no OML criterion name, so the
/// pipeline logs <see cref="CriterionName"/> = "loss".
/// </summary>
public sealed class ArcFaceLossWithMlp : nn.Module<Tensor, Tensor, Tensor>
{
    public const string CriterionName = "loss";

    private readonly Sequential mlp;
    private readonly ArcFaceLoss arcface;

    public ArcFaceLossWithMlp(int inFeatures, int numClasses, IReadOnlyList<int> mlpFeatures, double m = 0.5, double s = 64,
        double smoothingEpsilon = 0, IReadOnlyDictionary<long, string>? label2Category = null, LossReduction reduction = LossReduction.Mean)
        : base(nameof(ArcFaceLossWithMlp))
    {
        if (inFeatures < 1) throw new OmlException(Invariant($"criterion.args.in_features must be a positive integer, got {inFeatures}"));
        if (mlpFeatures is null || mlpFeatures.Count == 0) throw new OmlException("criterion.args.mlp_features must list at least one layer size");
        if (mlpFeatures.Any(f => f < 1))
            throw new OmlException($"criterion.args.mlp_features must be positive integers, got [{string.Join(", ", mlpFeatures)}]");
        MlpFeatures = mlpFeatures.ToArray();
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        var width = inFeatures;
        for (var i = 0; i < mlpFeatures.Count; i++)
        {
            layers.Add((layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), nn.Linear(width, mlpFeatures[i])));
            if (i < mlpFeatures.Count - 1)
                layers.Add((layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), nn.ReLU()));
            layers.Add((layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), nn.Dropout(0)));
            width = mlpFeatures[i];
        }
        mlp = nn.Sequential(layers);
        arcface = new ArcFaceLoss(width, numClasses, m, s, smoothingEpsilon, label2Category, reduction);
        RegisterComponents();
    }

    public IReadOnlyList<int> MlpFeatures { get; }

    /// <summary>The MLP (state-dict prefix <c>mlp.</c>).</summary>
    public Sequential Mlp => mlp;

    /// <summary>The inner ArcFace loss on the MLP's output (state-dict key <c>arcface.weight</c>).</summary>
    public ArcFaceLoss ArcFace => arcface;

    /// <summary>The ArcFace logs (<c>accuracy</c>) of the last forward.</summary>
    public Dictionary<string, double> LastLogs => arcface.LastLogs;

    public override Tensor forward(Tensor features, Tensor labels)
    {
        using var scope = NewDisposeScope();
        return arcface.forward(mlp.forward(features), labels).MoveToOuterDisposeScope();
    }
}
