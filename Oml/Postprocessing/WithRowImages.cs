using Oml.Retrieval;

namespace Oml.Postprocessing;

/// <summary>
/// A postprocessor given the validation images (<see cref="PostprocessingInputs.Images"/>) besides whatever its caller
/// passes: how a pipeline lets a pairwise model on images re-rank while the metrics code knows nothing of images.
/// </summary>
public sealed class WithRowImages(IRetrievalPostprocessor postprocessor, IRowImages images) : IRetrievalPostprocessor
{
    public IRetrievalPostprocessor Postprocessor { get; } = postprocessor ?? throw new ArgumentNullException(nameof(postprocessor));

    public int? TopN => Postprocessor.TopN;

    public RetrievalResults Process(RetrievalResults results, PostprocessingInputs inputs) =>
        Postprocessor.Process(results, new PostprocessingInputs(inputs.Embeddings, images));
}
