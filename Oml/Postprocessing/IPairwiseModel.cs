using static TorchSharp.torch;

namespace Oml.Postprocessing;

/// <summary>
/// Scores pairs of items for <see cref="PairwiseReranker"/> (OML's <c>IPairwiseModel</c> in
/// <c>oml/interfaces/models.py</c>): lower means more similar (a distance-like score). Inputs are the two items'
/// embeddings, [B, D] each, or their images, [B, 3, H, W] each, as <see cref="Input"/> says; the output has one score
/// per pair, [B] (or [B, 1]).
/// </summary>
public interface IPairwiseModel
{
    /// <summary>Whether <see cref="Predict"/> takes embeddings or images.</summary>
    PairwiseInput Input { get; }

    Tensor Predict(Tensor x1, Tensor x2);
}
