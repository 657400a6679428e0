using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>Global pooling of [N, C, H, W] feature maps to [N, C] (pure functions).</summary>
public static class PoolingFunctions
{
    /// <summary>The lower clamp of <see cref="GeneralisedMean"/> (OML's <c>GEM</c> eps).</summary>
    public const double GemEpsilon = 1e-6;

    /// <summary>Global average pooling (torchvision's <c>AdaptiveAvgPool2d(1)</c> followed by <c>flatten(1)</c>).</summary>
    public static Tensor Average(Tensor featureMap) => featureMap.mean([2, 3]);

    /// <summary>
    /// Generalised mean (GeM) pooling, OML's <c>GEM(p)</c>: clamp(x, min 1e-6), then (mean over H, W of x^p)^(1/p).
    /// p = 1 is average pooling; large p approaches max pooling.
    /// </summary>
    public static Tensor GeneralisedMean(Tensor featureMap, double p)
    {
        if (!(p > 0) || double.IsInfinity(p)) throw new ArgumentOutOfRangeException(nameof(p), p, "GeM power p must be a positive finite number");
        using var scope = NewDisposeScope();
        return featureMap.clamp_min(GemEpsilon).pow(p).mean([2, 3]).pow(1.0 / p).MoveToOuterDisposeScope();
    }
}
