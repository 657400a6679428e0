using static TorchSharp.torch;

namespace Oml.Postprocessing;

/// <summary>
/// The images of dataset rows as validation prepares them (decoded, cropped, transformed), for pairwise models that
/// work on images. Rows are numbered as <see cref="PostprocessingInputs.Embeddings"/> are.
/// </summary>
public interface IRowImages
{
    /// <summary>How many rows there are.</summary>
    int Count { get; }

    /// <summary>The images of <paramref name="rows"/> as a new <c>[B, 3, H, W]</c> tensor.</summary>
    Tensor Load(IReadOnlyList<int> rows);
}
