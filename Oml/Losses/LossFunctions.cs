using Oml.Functional;
using static System.FormattableString;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Losses;

/// <summary>
/// Pure tensor-in / tensor-out loss math (OML's <c>oml/functional/losses.py</c>, <c>label_smoothing.py</c> and the
/// forward passes of <c>oml/losses/triplet.py: TripletLoss</c> / <c>oml/losses/arcface.py: ArcFaceLoss</c>). The modules are thin wrappers.
/// Distances are true Euclidean distances (not squared); their gradient at distance 0 is 0, not NaN.
/// </summary>
public static class LossFunctions
{
    /// <summary>OML's <c>get_reduced</c>: mean, sum or the tensor itself.</summary>
    public static Tensor Reduce(Tensor values, LossReduction reduction) => reduction switch
    {
        LossReduction.Mean => values.mean(),
        LossReduction.Sum => values.sum(),
        LossReduction.None => values.alias(),
        _ => throw new ArgumentOutOfRangeException(nameof(reduction)),
    };

    /// <summary>
    /// Triplet loss (OML's <c>oml/losses/triplet.py: TripletLoss.forward</c>): <c>relu(margin + d(a,p) − d(a,n))</c>, or with
    /// <paramref name="margin"/> null the soft margin <c>softplus(d(a,p) − d(a,n))</c> (numerically stable, quirk Q11 in docs/oml-quirks.md:
    /// OML's <c>log1p(exp(x))</c> overflows for x &gt; ~88). When <paramref name="logs"/> is given it receives
    /// <c>active_tri</c> (share of triplets with a positive loss), <c>pos_dist</c>, <c>neg_dist</c> (means).
    /// </summary>
    public static Tensor Triplet(Tensor anchor, Tensor positive, Tensor negative, double? margin, LossReduction reduction = LossReduction.Mean, IDictionary<string, double>? logs = null)
    {
        if (!anchor.shape.SequenceEqual(positive.shape) || !anchor.shape.SequenceEqual(negative.shape))
            throw new OmlException($"triplet loss needs anchor, positive and negative of the same shape, got [{string.Join(", ", anchor.shape)}], [{string.Join(", ", positive.shape)}], [{string.Join(", ", negative.shape)}]");
        CheckMargin(margin);
        using var scope = NewDisposeScope();
        var dp = Distances.Elementwise(anchor, positive);
        var dn = Distances.Elementwise(anchor, negative);
        return TripletOnDistances(dp, dn, margin, reduction, logs).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The same triplet loss as <see cref="Triplet"/> for triplets of rows of one batch, read from the batch's [B, B]
    /// distance matrix (<see cref="Distances.Pairwise"/> of the features with themselves) instead of gathered rows:
    /// triplet t uses <c>d(a,p) = distances[anchors[t], positives[t]]</c> and <c>d(a,n) = distances[anchors[t], negatives[t]]</c>,
    /// taken by flat indices <c>a·B + p</c>. Values, logs and gradients equal <see cref="Triplet"/> on the rows
    /// <c>features[anchors]</c>, <c>features[positives]</c>, <c>features[negatives]</c> (both forms are exact Euclidean
    /// distances with a zero gradient at distance 0), while no [T, D] tensor is made.
    /// </summary>
    public static Tensor TripletFromDistances(Tensor distances, int[] anchors, int[] positives, int[] negatives, double? margin,
        LossReduction reduction = LossReduction.Mean, IDictionary<string, double>? logs = null)
    {
        if (distances.dim() != 2 || distances.shape[0] != distances.shape[1])
            throw new OmlException($"triplet loss from distances needs a square [B, B] distance matrix, got [{string.Join(", ", distances.shape)}]");
        CheckMargin(margin);
        var b = distances.shape[0];
        var anchorPositive = FlatPairIds(anchors, positives, b);
        var anchorNegative = FlatPairIds(anchors, negatives, b);
        using var scope = NewDisposeScope();
        var flat = distances.reshape(-1);
        var dp = flat.index_select(0, tensor(anchorPositive, device: distances.device));
        var dn = flat.index_select(0, tensor(anchorNegative, device: distances.device));
        return TripletOnDistances(dp, dn, margin, reduction, logs).MoveToOuterDisposeScope();
    }

    /// <summary>Row-major flat indices <c>rows[t]·B + columns[t]</c> into a [B, B] matrix, checked.</summary>
    private static long[] FlatPairIds(int[] rows, int[] columns, long b)
    {
        if (rows.Length != columns.Length)
            throw new OmlException(Invariant($"triplet ids must come in equal numbers, got {rows.Length} and {columns.Length}"));
        var flat = new long[rows.Length];
        for (var t = 0; t < flat.Length; t++)
        {
            if ((uint)rows[t] >= b || (uint)columns[t] >= b)
                throw new OmlException(Invariant($"triplet {t} names rows ({rows[t]}, {columns[t]}) outside a batch of {b}"));
            flat[t] = rows[t] * b + columns[t];
        }
        return flat;
    }

    /// <summary>The triplet losses of given d(a,p) and d(a,n) ([T] each), reduced, with the logs of <see cref="Triplet"/>.</summary>
    private static Tensor TripletOnDistances(Tensor dp, Tensor dn, double? margin, LossReduction reduction, IDictionary<string, double>? logs)
    {
        using var scope = NewDisposeScope();
        var losses = margin is { } m ? nn.functional.relu(dp - dn + m) : nn.functional.softplus(dp - dn);
        if (logs is not null)
        {
            using var noGrad = no_grad();
            logs["active_tri"] = (losses > 0).to_type(ScalarType.Float64).mean().item<double>();
            logs["pos_dist"] = dp.to_type(ScalarType.Float64).mean().item<double>();
            logs["neg_dist"] = dn.to_type(ScalarType.Float64).mean().item<double>();
        }
        return Reduce(losses, reduction).MoveToOuterDisposeScope();
    }

    internal static void CheckMargin(double? margin)
    {
        if (margin is { } m && !(m > 0 && double.IsFinite(m)))
            throw new OmlException(Invariant($"triplet margin must be a positive number or null (soft margin), got {m}"));
    }

    /// <summary>
    /// OML's <c>label_smoothing(y, C, ε, categories)</c> (<c>oml/functional/label_smoothing.py</c>): without categories <c>(1−ε)·onehot(y) + ε/C</c>;
    /// with <paramref name="categories"/> ([C], the category id of every class) the ε mass is spread only over the
    /// classes of y's category (y included). Returns [B, C] float32.
    /// </summary>
    public static Tensor LabelSmoothing(Tensor labels, int classes, double epsilon, Tensor? categories = null)
    {
        if (!(epsilon >= 0 && epsilon < 1)) throw new OmlException(Invariant($"smoothing_epsilon must satisfy 0 <= epsilon < 1, got {epsilon}"));
        if (classes < 1) throw new OmlException(Invariant($"label smoothing needs at least one class, got {classes}"));
        if (categories is not null && (categories.dim() != 1 || categories.shape[0] != classes))
            throw new OmlException(Invariant($"categories must give one category per class ([{classes}]), got [{string.Join(", ", categories.shape)}]"));
        using var scope = NewDisposeScope();
        var y = labels.to_type(ScalarType.Int64).flatten();
        CheckLabels(y, classes);
        var oneHot = nn.functional.one_hot(y, classes).to_type(ScalarType.Float32);
        Tensor result;
        if (categories is null)
        {
            result = oneHot * (1 - epsilon) + epsilon / classes;
        }
        else
        {
            var cats = categories.to(y.device).to_type(ScalarType.Int64);
            var sameCategory = (cats.index_select(0, y).unsqueeze(1) == cats.unsqueeze(0)).to_type(ScalarType.Float32);
            result = oneHot * (1 - epsilon) + sameCategory * epsilon / sameCategory.sum(1, keepdim: true);
        }
        return result.MoveToOuterDisposeScope();
    }

    internal static void CheckLabels(Tensor labels, long classes)
    {
        if (labels.numel() == 0) return;
        using var scope = NewDisposeScope();
        var min = labels.min().item<long>();
        var max = labels.max().item<long>();
        if (min < 0 || max >= classes)
            throw new OmlException(Invariant($"labels must lie in [0, {classes}) (num_classes = {classes}), got values from {min} to {max}"));
    }

    /// <summary>cos(x_b, W_c) = normalize(x) · normalize(W)ᵀ → [B, C].</summary>
    public static Tensor CosineLogits(Tensor features, Tensor weight)
    {
        using var scope = NewDisposeScope();
        return nn.functional.normalize(features, p: 2, dim: 1)
            .mm(nn.functional.normalize(weight, p: 2, dim: 1).t())
            .MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ArcFace logits (OML's <c>oml/losses/arcface.py: ArcFaceLoss.fc</c> and <c>forward</c>): <c>s · where(onehot(y), φ, cos)</c> with
    /// <c>φ = cos(θ + m)</c> when <c>cos &gt; −cos(m)</c>, else <c>cos − m·sin(m)</c>. <c>sin θ</c> is
    /// <c>sqrt(1 − cos²)</c> clamped so that |cos| = 1 (or slightly above, by rounding) gives sin = 0 with a finite,
    /// zero gradient instead of NaN (quirk Q10 in docs/oml-quirks.md).
    /// </summary>
    public static Tensor ArcFaceLogits(Tensor features, Tensor weight, Tensor labels, double m = 0.5, double s = 64)
    {
        if (features.dim() != 2 || weight.dim() != 2 || features.shape[1] != weight.shape[1])
            throw new OmlException($"ArcFace needs features [B, in_features] and weight [num_classes, in_features], got [{string.Join(", ", features.shape)}] and [{string.Join(", ", weight.shape)}]");
        using var scope = NewDisposeScope();
        var y = labels.to(features.device).to_type(ScalarType.Int64).flatten();
        if (y.shape[0] != features.shape[0])
            throw new OmlException(Invariant($"ArcFace needs one label per feature row: {features.shape[0]} rows, {y.shape[0]} labels"));
        CheckLabels(y, weight.shape[0]);
        var cos = CosineLogits(features, weight);
        var sinSquared = 1 - cos * cos;
        const double tiny = 1e-12;
        // where() alone would still send 0·inf = NaN through sqrt's backward: clamp inside, select outside
        var sin = where(sinSquared > tiny, sinSquared.clamp_min(tiny).sqrt(), zeros_like(sinSquared));
        var phi = cos * Math.Cos(m) - sin * Math.Sin(m);
        phi = where(cos > -Math.Cos(m), phi, cos - Math.Sin(m) * m);
        var isTarget = nn.functional.one_hot(y, weight.shape[0]).to_type(ScalarType.Bool);
        return (where(isTarget, phi, cos) * s).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ArcFace loss (OML's <c>oml/losses/arcface.py: ArcFaceLoss.forward</c>): cross-entropy of <see cref="ArcFaceLogits"/> against the labels, or against
    /// <see cref="LabelSmoothing"/> targets when <paramref name="epsilon"/> &gt; 0. When <paramref name="logs"/> is
    /// given it receives <c>accuracy</c> = mean(argmax(cos) == y), computed on cos without the margin (as OML).
    /// </summary>
    public static Tensor ArcFace(Tensor features, Tensor weight, Tensor labels, double m = 0.5, double s = 64, double epsilon = 0,
        Tensor? categories = null, LossReduction reduction = LossReduction.Mean, IDictionary<string, double>? logs = null)
    {
        if (!(epsilon >= 0 && epsilon < 1)) throw new OmlException(Invariant($"smoothing_epsilon must satisfy 0 <= epsilon < 1, got {epsilon}"));
        using var scope = NewDisposeScope();
        var y = labels.to(features.device).to_type(ScalarType.Int64).flatten();
        var logits = ArcFaceLogits(features, weight, y, m, s);
        var classes = (int)weight.shape[0];
        Tensor perSample;
        if (epsilon > 0)
        {
            var target = LabelSmoothing(y, classes, epsilon, categories?.to(features.device)).to_type(logits.dtype);
            perSample = -(target * nn.functional.log_softmax(logits, 1)).sum(1);
        }
        else
        {
            perSample = nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.None);
        }
        if (logs is not null)
        {
            using var noGrad = no_grad();
            logs["accuracy"] = (CosineLogits(features, weight).argmax(1) == y).to_type(ScalarType.Float64).mean().item<double>();
        }
        return Reduce(perSample, reduction).MoveToOuterDisposeScope();
    }

    internal static void CheckSurrogatePrecisionArgs(int k, double temperature1, double temperature2)
    {
        if (k < 1) throw new OmlException(Invariant($"criterion.args.k must be a positive integer, got {k}"));
        if (!(temperature1 > 0 && double.IsFinite(temperature1)) || !(temperature2 > 0 && double.IsFinite(temperature2)))
            throw new OmlException(Invariant($"criterion.args.temperature1 and temperature2 must be positive numbers, got {temperature1} and {temperature2}"));
    }

    /// <summary>
    /// Surrogate precision (OML's <c>oml/functional/losses.py: surrogate_precision</c>) on Euclidean distances of the batch:
    /// see <see cref="SurrogatePrecisionFromDistances"/>.
    /// </summary>
    public static Tensor SurrogatePrecision(Tensor features, Tensor labels, int k, double temperature1 = 1.0, double temperature2 = 0.01, LossReduction reduction = LossReduction.Mean)
    {
        if (features.dim() != 2) throw new OmlException($"surrogate precision needs features [N, D], got [{string.Join(", ", features.shape)}]");
        using var scope = NewDisposeScope();
        return SurrogatePrecisionFromDistances(Distances.Pairwise(features, features), labels, k, temperature1, temperature2, reduction).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Surrogate precision on a given [N, N] distance matrix (row b = query b, the diagonal is the query itself):
    /// with k' = k + 1, <c>rank[b,c] = Σ_a σ((D[b,c] − D[b,a]) / t2)</c>,
    /// <c>P_b = Σ_c σ((k' − rank[b,c]) / t1) · M[b,c] / min(Σ_c M[b,c], k')</c> (M = same label, diagonal included);
    /// the loss is <c>1 − reduce(P)</c> (so with "none" it is <c>1 − P</c> per query, with "sum" <c>1 − ΣP</c>, as OML).
    /// </summary>
    public static Tensor SurrogatePrecisionFromDistances(Tensor distances, Tensor labels, int k, double temperature1 = 1.0, double temperature2 = 0.01, LossReduction reduction = LossReduction.Mean)
    {
        CheckSurrogatePrecisionArgs(k, temperature1, temperature2);
        if (distances.dim() != 2 || distances.shape[0] != distances.shape[1])
            throw new OmlException($"surrogate precision needs a square distance matrix, got [{string.Join(", ", distances.shape)}]");
        using var scope = NewDisposeScope();
        var y = labels.to(distances.device).flatten();
        if (y.shape[0] != distances.shape[0])
            throw new OmlException(Invariant($"surrogate precision needs one label per feature row: {distances.shape[0]} rows, {y.shape[0]} labels"));
        var kPrime = k + 1;
        var mask = (y.unsqueeze(1) == y.unsqueeze(0)).to_type(distances.dtype);
        // [N, N, N]: (b, c, a) → σ((D[b,c] − D[b,a]) / t2)
        var rank = sigmoid((distances.unsqueeze(2) - distances.unsqueeze(1)) / temperature2).sum(2);
        var precision = (sigmoid((kPrime - rank) / temperature1) * mask).sum(1) / mask.sum(1).clamp_max(kPrime);
        return (1 - Reduce(precision, reduction)).MoveToOuterDisposeScope();
    }
}
