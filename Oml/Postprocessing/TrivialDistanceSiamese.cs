using static System.FormattableString;
using Oml.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Postprocessing;

/// <summary>
/// OML's <c>TrivialDistanceSiamese</c> (<c>oml/models/meta/siamese.py</c>): the Euclidean distance of the two items'
/// features plus <see cref="OutputBias"/>. With an <see cref="Backbone"/> extractor it takes images and extracts
/// their features itself (<see cref="Input"/> = images), as in OML; without one it takes the validation embeddings
/// that were already extracted (<see cref="Input"/> = embeddings) and has no weights. A development tool: with the
/// extractor of the retrieval it keeps the retrieval order.
/// </summary>
public sealed class TrivialDistanceSiamese : nn.Module<Tensor, Tensor, Tensor>, IPairwiseModel
{
    private readonly Extractor? extractor;

    /// <summary>On embeddings: the distance of the two embeddings plus <paramref name="outputBias"/>.</summary>
    public TrivialDistanceSiamese(float outputBias = 0)
        : this(null, outputBias)
    {
    }

    /// <param name="extractor">Runs on both images (it now belongs to this model); null: the inputs are embeddings.</param>
    /// <param name="outputBias">Added to every distance.</param>
    public TrivialDistanceSiamese(Extractor? extractor, float outputBias = 0)
        : base(nameof(TrivialDistanceSiamese))
    {
        if (!float.IsFinite(outputBias)) throw new OmlException(Invariant($"postprocessor.args.pairwise_model.args.output_bias must be a finite number, got {outputBias}"));
        OutputBias = outputBias;
        this.extractor = extractor;
        RegisterComponents();
    }

    public float OutputBias { get; }

    /// <summary>The extractor run on both images (state-dict prefix <c>extractor.</c>), or null on embeddings.</summary>
    public Extractor? Backbone => extractor;

    public PairwiseInput Input => extractor is null ? PairwiseInput.Embeddings : PairwiseInput.Images;

    public override Tensor forward(Tensor x1, Tensor x2)
    {
        using var scope = NewDisposeScope();
        var first = extractor is null ? x1 : extractor.forward(x1);
        var second = extractor is null ? x2 : extractor.forward(x2);
        return ((first - second).norm(1) + OutputBias).MoveToOuterDisposeScope();
    }

    public Tensor Predict(Tensor x1, Tensor x2) => forward(x1, x2);
}
