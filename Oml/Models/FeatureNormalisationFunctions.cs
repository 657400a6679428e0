using Oml.Functional;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>Pure tensor-in / tensor-out feature normalisation (OML's <c>oml/utils/misc_torch.py: normalise</c>).</summary>
public static class FeatureNormalisationFunctions
{
    /// <summary>
    /// The norm is clamped from below at this value, like <c>F.normalize(eps=1e-12)</c>, so an all-zero feature row
    /// stays zero instead of becoming NaN (OML divides by the raw norm and gives NaN there).
    /// </summary>
    public const double NormEpsilon = 1e-12;

    /// <summary>Normalises the rows of [N, D] features; <see cref="FeatureNormalisation.None"/> returns an alias.</summary>
    private static readonly Scalar Epsilon = NormEpsilon.ToScalar();

    public static Tensor Apply(Tensor features, FeatureNormalisation normalisation)
    {
        if (normalisation == FeatureNormalisation.None) return features.alias();
        if (features.dim() != 2)
            throw new ArgumentException($"features must be [N, D], got [{string.Join(", ", features.shape)}]", nameof(features));
        using var scope = NewDisposeScope();
        // norm(dim) and a Scalar kept alive here, not linalg.vector_norm and a temporary Scalar: TorchSharp 0.107 lets a
        // temporary Scalar's finalizer free it while the native call still reads it (see LossFunctions.ElementwiseDistance)
        var norm = features.norm(1, keepdim: true).clamp_min(Epsilon);
        if (normalisation == FeatureNormalisation.L2DetachedNorm) norm = norm.detach();
        return features.div(norm).MoveToOuterDisposeScope();
    }
}
