using static System.FormattableString;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Postprocessing;

/// <summary>
/// OML's <c>linear_siamese</c> (<c>LinearTrivialDistanceSiamese</c>): one bias-free Linear(featDim, featDim) applied to
/// both embeddings, then their Euclidean distance plus <see cref="OutputBias"/>. With <c>identityInit</c> it starts as
/// the plain distance (+ bias), which keeps the retrieval order; a development tool for the re-ranking path.
/// </summary>
public sealed class LinearSiamese : nn.Module<Tensor, Tensor, Tensor>, IPairwiseModel
{
    private readonly Linear projection;

    public LinearSiamese(int featDim, bool identityInit, float outputBias = 0) : base(nameof(LinearSiamese))
    {
        if (featDim < 1) throw new OmlException(Invariant($"postprocessor.args.pairwise_model.args.feat_dim must be a positive integer (the embedding size), got {featDim}"));
        if (!float.IsFinite(outputBias)) throw new OmlException(Invariant($"postprocessor.args.pairwise_model.args.output_bias must be a finite number, got {outputBias}"));
        projection = nn.Linear(featDim, featDim, hasBias: false);
        if (identityInit)
        {
            using var noGrad = no_grad();
            projection.weight!.copy_(eye(featDim));
        }
        OutputBias = outputBias;
        RegisterComponents();
    }

    public float OutputBias { get; }

    public PairwiseInput Input => PairwiseInput.Embeddings;

    public override Tensor forward(Tensor x1, Tensor x2)
    {
        using var scope = NewDisposeScope();
        return ((projection.forward(x1) - projection.forward(x2)).norm(1) + OutputBias).MoveToOuterDisposeScope();
    }

    public Tensor Predict(Tensor x1, Tensor x2) => forward(x1, x2);
}
