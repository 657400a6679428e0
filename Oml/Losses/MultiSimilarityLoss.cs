using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Losses;

/// <summary>
/// Multi-similarity loss (Wang et al. 2019; pytorch-metric-learning's <c>MultiSimilarityLoss(alpha, beta, base)</c>
/// with <c>MultiSimilarityMiner(epsilon)</c>) over <see cref="PairLossFunctions.MultiSimilarity"/>.
/// </summary>
public sealed class MultiSimilarityLoss : nn.Module<Tensor, Tensor, Tensor>
{
    public const string CriterionName = "multi_similarity";

    public MultiSimilarityLoss(double alpha = 2, double beta = 50, double @base = 0.5, double epsilon = 0.1, LossReduction reduction = LossReduction.Mean)
        : base(nameof(MultiSimilarityLoss))
    {
        PairLossFunctions.CheckMultiSimilarityArgs(alpha, beta, @base, epsilon);
        Alpha = alpha;
        Beta = beta;
        Base = @base;
        Epsilon = epsilon;
        Reduction = reduction;
    }

    public double Alpha { get; }

    public double Beta { get; }

    public double Base { get; }

    public double Epsilon { get; }

    public LossReduction Reduction { get; }

    public override Tensor forward(Tensor features, Tensor labels) =>
        PairLossFunctions.MultiSimilarity(features, labels, Alpha, Beta, Base, Epsilon, Reduction);
}
