using static System.FormattableString;
using static TorchSharp.torch;

namespace Oml.Postprocessing;

/// <summary>
/// What a postprocessor may need besides the retrieval results. The caller owns the tensors.
/// </summary>
public sealed class PostprocessingInputs
{
    public PostprocessingInputs(Tensor? embeddings = null, IRowImages? images = null)
    {
        if (embeddings is not null && embeddings.dim() != 2)
        {
            throw new ArgumentException($"embeddings must be [N, D], got [{string.Join(", ", embeddings.shape)}]", nameof(embeddings));
        }
        Embeddings = embeddings;
        Images = images;
    }

    /// <summary>Nothing besides the results (enough for thresholding).</summary>
    public static PostprocessingInputs None { get; } = new();

    /// <summary>
    /// The validation embeddings [N, D], indexed by dataset row (<see cref="Retrieval.RetrievalResults.QueryRows"/>,
    /// <see cref="Retrieval.RetrievalResults.GalleryRows"/>); null when not available.
    /// </summary>
    public Tensor? Embeddings { get; }

    /// <summary>The validation images, numbered as <see cref="Embeddings"/>; null when not available.</summary>
    public IRowImages? Images { get; }

    /// <summary>The embeddings, or a user error naming the postprocessor that needs them.</summary>
    internal Tensor RequireEmbeddings(string postprocessorName, IEnumerable<int> rows)
    {
        var embeddings = Embeddings ?? throw new OmlException(
            $"{postprocessorName} needs the validation embeddings (PostprocessingInputs.Embeddings), but none were given");
        var maxRow = rows.DefaultIfEmpty(-1).Max();
        if (maxRow >= embeddings.shape[0])
        {
            throw new OmlException(Invariant($"{postprocessorName}: the results refer to dataset row {maxRow}, but there are only {embeddings.shape[0]} embeddings"));
        }
        return embeddings;
    }

    /// <summary>The images, or a user error naming the postprocessor and the model that need them.</summary>
    internal IRowImages RequireImages(string postprocessorName, string modelName, IEnumerable<int> rows)
    {
        var images = Images ?? throw new OmlException(
            $"{postprocessorName}: the pairwise model {modelName} compares the images of the query and the gallery item, but no images were given " +
            "(PostprocessingInputs.Images): oml evaluate has only embeddings, so re-rank with oml validate (it has the dataset's images), " +
            "or use a pairwise model on embeddings (linear_siamese, or trivial_distance_siamese without an extractor)");
        var maxRow = rows.DefaultIfEmpty(-1).Max();
        if (maxRow >= images.Count)
        {
            throw new OmlException(Invariant($"{postprocessorName}: the results refer to dataset row {maxRow}, but there are only {images.Count} images"));
        }
        return images;
    }
}
