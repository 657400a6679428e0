using static TorchSharp.torch;

namespace Oml.Postprocessing;

/// <summary>
/// Scores pairs of items for <see cref="PairwiseReranker"/>: lower means more similar (a distance-like score).
/// Inputs are the two items' embeddings, [B, D] each; the output has one score per pair, [B] (or [B, 1]).
/// </summary>
public interface IPairwiseModel
{
    Tensor Predict(Tensor x1, Tensor x2);
}
