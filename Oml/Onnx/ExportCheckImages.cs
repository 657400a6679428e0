using Oml.Data.Sources;
using Oml.Images;

namespace Oml.Onnx;

/// <summary>
/// Real images for the export's check when the caller gives none: mock-dataset shapes (<c>oml dataset mock</c>'s
/// renderer, fixed seeds) encoded as JPEG and decoded again, as a dataset's files would be.
/// </summary>
internal static class ExportCheckImages
{
    public const int Count = 3;

    /// <param name="size">The side of each image; the input side, so that a transform without a resize gives the input size.</param>
    public static IReadOnlyList<RgbImage> Render(int size)
    {
        var classes = MockShapeCatalog.Classes;
        return Enumerable.Range(0, Count)
            .Select(i => MockImageRenderer.Render(classes[i * 5 % classes.Count], size, seed: 1000 + i))
            .Select((image, i) => ImageDecoder.Default.Decode(image.Jpeg, $"mock check image {i}"))
            .ToArray();
    }
}
