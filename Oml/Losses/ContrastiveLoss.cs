using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Losses;

/// <summary>
/// pytorch-metric-learning's <c>ContrastiveLoss(pos_margin, neg_margin)</c> on all pairs of a batch over
/// <see cref="PairLossFunctions.Contrastive"/> (Euclidean distances of the raw features).
/// </summary>
public sealed class ContrastiveLoss : nn.Module<Tensor, Tensor, Tensor>
{
    public const string CriterionName = "contrastive";

    public ContrastiveLoss(double posMargin = 0, double negMargin = 1, LossReduction reduction = LossReduction.Mean) : base(nameof(ContrastiveLoss))
    {
        PairLossFunctions.CheckContrastiveMargins(posMargin, negMargin);
        PosMargin = posMargin;
        NegMargin = negMargin;
        Reduction = reduction;
    }

    public double PosMargin { get; }

    public double NegMargin { get; }

    public LossReduction Reduction { get; }

    public override Tensor forward(Tensor features, Tensor labels) =>
        PairLossFunctions.Contrastive(features, labels, PosMargin, NegMargin, Reduction);
}
