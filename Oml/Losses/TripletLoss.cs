using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Losses;

/// <summary>
/// OML's <c>TripletLoss(margin, reduction)</c> (<c>oml/losses/triplet.py</c>) over <see cref="LossFunctions.Triplet"/>: margin null is the
/// soft margin (stable softplus). <see cref="LastLogs"/> holds <c>active_tri</c>, <c>pos_dist</c>, <c>neg_dist</c>
/// of the last forward.
/// </summary>
public sealed class TripletLoss : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    public const string CriterionName = "triplet";

    public TripletLoss(double? margin, LossReduction reduction = LossReduction.Mean) : base(nameof(TripletLoss))
    {
        LossFunctions.CheckMargin(margin);
        Margin = margin;
        Reduction = reduction;
    }

    public double? Margin { get; }

    public LossReduction Reduction { get; }

    public Dictionary<string, double> LastLogs { get; } = new();

    public override Tensor forward(Tensor anchor, Tensor positive, Tensor negative) =>
        LossFunctions.Triplet(anchor, positive, negative, Margin, Reduction, LastLogs);
}
