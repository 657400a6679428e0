using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Functional;

/// <summary>
/// Euclidean distances between feature rows, differentiable, as OML's <c>oml/utils/misc_torch.py: elementwise_dist</c>
/// and <c>pairwise_dist</c> compute them: the one definition that the losses and the miners use.
/// </summary>
public static class Distances
{
    /// <summary>d(x_i, y_i) for rows of two [N, D] tensors → [N].</summary>
    public static Tensor Elementwise(Tensor x, Tensor y)
    {
        if (!x.shape.SequenceEqual(y.shape) || x.dim() != 2)
            throw new OmlException($"elementwise distance needs two [N, D] tensors of the same shape, got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}]");
        using var scope = NewDisposeScope();
        // norm's backward is 0 (not NaN) where the norm is 0. Not linalg.vector_norm: TorchSharp 0.107 passes its `ord`
        // as a temporary Scalar whose finalizer can free it during the native call (seen once in a training run:
        // "Expected false to be true ... toDouble"); norm(dim) passes p by value.
        return (x - y).norm(-1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// d(x_i, y_j) for [N, D] and [M, D] → [N, M], computed as <see cref="Elementwise"/> does, sqrt of the summed squared
    /// differences, without the matrix-product shortcut <c>‖x‖² + ‖y‖² − 2x·y</c> (which cancels digits). Its gradient
    /// at distance 0 is 0, as <see cref="Elementwise"/>'s (libtorch's <c>_cdist_backward</c> skips zero distances), so
    /// the matrix of a batch with itself, whose diagonal and duplicate rows are 0, has a finite gradient.
    /// </summary>
    public static Tensor Pairwise(Tensor x, Tensor y)
    {
        if (x.dim() != 2 || y.dim() != 2 || x.shape[1] != y.shape[1])
            throw new OmlException($"pairwise distance needs [N, D] and [M, D] tensors, got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}]");
        return cdist(x, y, p: 2, compute_mode: compute_mode.donot_use_mm_for_euclid_dist);
    }
}
