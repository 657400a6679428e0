using static System.FormattableString;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Losses;

/// <summary>
/// OML's <c>TripletLossPlain</c> (<c>oml/losses/triplet.py</c>): features [3K, D] whose rows (3j, 3j+1, 3j+2) are
/// (anchor, positive, negative) of triplet j, handed to a <see cref="TripletLoss"/>.
/// </summary>
public sealed class TripletLossPlain : nn.Module<Tensor, Tensor>
{
    public const string CriterionName = "triplet";

    private readonly TripletLoss _triplet;

    public TripletLossPlain(double? margin, LossReduction reduction = LossReduction.Mean) : base(nameof(TripletLossPlain))
    {
        _triplet = new TripletLoss(margin, reduction);
    }

    public double? Margin => _triplet.Margin;

    public LossReduction Reduction => _triplet.Reduction;

    public Dictionary<string, double> LastLogs => _triplet.LastLogs;

    public override Tensor forward(Tensor features)
    {
        if (features.dim() != 2 || features.shape[0] % 3 != 0)
            throw new OmlException(Invariant($"TripletLossPlain needs features [3K, D] (rows anchor, positive, negative, ...), got [{string.Join(", ", features.shape)}]"));
        using var scope = NewDisposeScope();
        var triplets = features.view(-1, 3, features.shape[1]);
        return _triplet.forward(triplets.select(1, 0), triplets.select(1, 1), triplets.select(1, 2)).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _triplet.Dispose();
        base.Dispose(disposing);
    }
}
