using static System.FormattableString;
using static TorchSharp.torch;

namespace Oml.Postprocessing;

/// <summary>
/// The Euclidean distance of the two embeddings plus a constant. OML's <c>TrivialDistanceSiamese</c> takes an
/// extractor and runs it on images; this one receives embeddings that were already extracted, so it has no weights.
/// </summary>
public sealed class TrivialDistanceSiamese : IPairwiseModel
{
    public TrivialDistanceSiamese(float outputBias = 0)
    {
        if (!float.IsFinite(outputBias)) throw new OmlException(Invariant($"postprocessor.args.pairwise_model.args.output_bias must be a finite number, got {outputBias}"));
        OutputBias = outputBias;
    }

    public float OutputBias { get; }

    public PairwiseInput Input => PairwiseInput.Embeddings;

    public Tensor Predict(Tensor x1, Tensor x2) => (x1 - x2).norm(1) + OutputBias;
}
