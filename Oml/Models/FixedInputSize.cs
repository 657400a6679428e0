using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>The check of extractors that take images of one size only (CLIP's, Unicom's), with the transform that gives it.</summary>
internal static class FixedInputSize
{
    /// <summary>
    /// Throws an <see cref="OmlException"/> unless <paramref name="images"/> is [N, 3, size, size]; the message names
    /// <paramref name="model"/> and the transform block (<paramref name="transformName"/> with <c>im_size</c>) OML pairs
    /// with the <paramref name="family"/>'s checkpoints.
    /// </summary>
    public static void Check(Tensor images, int size, string model, string transformName, string family)
    {
        if (images.dim() == 4 && images.shape[1] == 3 && images.shape[2] == size && images.shape[3] == size) return;
        throw new OmlException($"{model} takes images of {size}x{size} pixels only ([N, 3, {size}, {size}]); got [{string.Join(", ", images.shape)}]. " +
                               $"Resize them to {size} in the transforms, e.g. {{name: {transformName}, args: {{im_size: {size}}}}} as OML does for its {family} checkpoints");
    }
}
