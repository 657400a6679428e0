using Oml.Functional;
using static System.FormattableString;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Losses;

/// <summary>
/// Pure tensor math of the pair-based losses over all pairs of a batch (pytorch-metric-learning's
/// <c>ContrastiveLoss</c> and <c>MultiSimilarityLoss</c> + <c>MultiSimilarityMiner</c>). Pairs are ordered
/// (i, j), i ≠ j, as PML's <c>get_all_pairs_indices</c>.
/// </summary>
public static class PairLossFunctions
{
    private static (Tensor Positive, Tensor Negative) PairMasks(Tensor labels, long n, Device device)
    {
        var y = labels.to(device).flatten();
        if (y.shape[0] != n)
            throw new OmlException(Invariant($"pair losses need one label per feature row: {n} rows, {y.shape[0]} labels"));
        var same = y.unsqueeze(1) == y.unsqueeze(0);
        var positive = same.logical_and(eye(n, dtype: ScalarType.Bool, device: device).logical_not());
        return (positive, same.logical_not());
    }

    private static void CheckFeatures(Tensor features, string loss)
    {
        if (features.dim() != 2) throw new OmlException($"{loss} needs features [N, D], got [{string.Join(", ", features.shape)}]");
    }

    /// <summary>
    /// Contrastive loss on Euclidean distances (not normalised): positive pairs give <c>relu(d − posMargin)</c>,
    /// negative pairs <c>relu(negMargin − d)</c>. Mean: mean over positive pairs + mean over negative pairs (a part
    /// with no pairs is 0); Sum: the sum over all pairs; None: the per-pair values [N·(N−1)] in row-major order of
    /// the ordered pairs (i, j), i ≠ j.
    /// </summary>
    public static Tensor Contrastive(Tensor features, Tensor labels, double posMargin = 0, double negMargin = 1, LossReduction reduction = LossReduction.Mean)
    {
        CheckFeatures(features, "contrastive loss");
        CheckContrastiveMargins(posMargin, negMargin);
        using var scope = NewDisposeScope();
        var n = features.shape[0];
        var (positive, negative) = PairMasks(labels, n, features.device);
        var d = Distances.Pairwise(features, features);
        var posLoss = nn.functional.relu(d - posMargin);
        var negLoss = nn.functional.relu(negMargin - d);
        Tensor result;
        switch (reduction)
        {
            case LossReduction.Mean:
                result = MeanOrZero(posLoss.masked_select(positive)) + MeanOrZero(negLoss.masked_select(negative));
                break;
            case LossReduction.Sum:
                result = posLoss.masked_select(positive).sum() + negLoss.masked_select(negative).sum();
                break;
            case LossReduction.None:
                var offDiagonal = eye(n, dtype: ScalarType.Bool, device: features.device).logical_not();
                result = where(positive, posLoss, where(negative, negLoss, zeros_like(d))).masked_select(offDiagonal);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(reduction));
        }
        return result.MoveToOuterDisposeScope();
    }

    private static Tensor MeanOrZero(Tensor values) => values.numel() == 0 ? values.sum() : values.mean();

    internal static void CheckContrastiveMargins(double posMargin, double negMargin)
    {
        if (!double.IsFinite(posMargin) || !double.IsFinite(negMargin) || posMargin < 0 || negMargin < posMargin)
            throw new OmlException(Invariant($"contrastive margins must satisfy 0 <= pos_margin <= neg_margin (finite), got pos_margin = {posMargin}, neg_margin = {negMargin}"));
    }

    internal static void CheckMultiSimilarityArgs(double alpha, double beta, double @base, double epsilon)
    {
        if (!(alpha > 0 && double.IsFinite(alpha)) || !(beta > 0 && double.IsFinite(beta)) || !double.IsFinite(@base) || !(epsilon >= 0 && double.IsFinite(epsilon)))
            throw new OmlException(Invariant($"multi-similarity loss needs alpha > 0, beta > 0, finite base and epsilon >= 0, got alpha = {alpha}, beta = {beta}, base = {@base}, epsilon = {epsilon}"));
    }

    /// <summary>
    /// Multi-similarity loss (Wang et al. 2019, as PML) on cosine similarities S of the L2-normalised features.
    /// Mining (on detached S, PML's <c>MultiSimilarityMiner(epsilon)</c>): for anchor i a negative j is kept when
    /// <c>S_ij + ε &gt; min_{positives k} S_ik</c>, a positive j when <c>S_ij − ε &lt; max_{negatives k} S_ik</c>
    /// (nothing is kept when the anchor has no positives or no negatives). Per anchor
    /// <c>1/α · log(1 + Σ_pos exp(−α(S_ij − base))) + 1/β · log(1 + Σ_neg exp(β(S_ij − base)))</c> (0 for a part
    /// with no kept pairs), computed with a stable log-sum-exp; then reduced over all anchors.
    /// </summary>
    public static Tensor MultiSimilarity(Tensor features, Tensor labels, double alpha = 2, double beta = 50, double @base = 0.5, double epsilon = 0.1, LossReduction reduction = LossReduction.Mean)
    {
        CheckFeatures(features, "multi-similarity loss");
        CheckMultiSimilarityArgs(alpha, beta, @base, epsilon);
        using var scope = NewDisposeScope();
        var n = features.shape[0];
        var (positive, negative) = PairMasks(labels, n, features.device);
        var x = nn.functional.normalize(features, p: 2, dim: 1);
        var s = x.mm(x.t());
        Tensor keptPositive, keptNegative;
        using (no_grad())
        {
            var sd = s.detach();
            var minPositive = where(positive, sd, full_like(sd, double.PositiveInfinity)).amin([1], keepdim: true);
            var maxNegative = where(negative, sd, full_like(sd, double.NegativeInfinity)).amax([1], keepdim: true);
            keptNegative = negative.logical_and(sd + epsilon > minPositive);
            keptPositive = positive.logical_and(sd - epsilon < maxNegative);
        }
        var posTerm = LogOnePlusSumExp(-alpha * (s - @base), keptPositive) / alpha;
        var negTerm = LogOnePlusSumExp(beta * (s - @base), keptNegative) / beta;
        return LossFunctions.Reduce(posTerm + negTerm, reduction).MoveToOuterDisposeScope();
    }

    /// <summary>Row-wise <c>log(1 + Σ_{mask} exp(z))</c>, stable, with zero gradient to the masked-out entries.</summary>
    private static Tensor LogOnePlusSumExp(Tensor z, Tensor mask)
    {
        var masked = where(mask, z, full_like(z, double.NegativeInfinity));
        return cat([zeros(z.shape[0], 1, dtype: z.dtype, device: z.device), masked], 1).logsumexp(1);
    }
}
