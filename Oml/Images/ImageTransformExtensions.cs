using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Images;

/// <summary>Tensor entry points of <see cref="IImageTransform"/>: one image to a new tensor, or straight into sample
/// <c>i</c> of a preallocated batch without any per-image managed float buffer.</summary>
public static class ImageTransformExtensions
{
    /// <summary>A new float32 CPU tensor <c>[3, H, W]</c> holding the transformed image; it joins the caller's current
    /// dispose scope like any tensor TorchSharp creates.</summary>
    public static Tensor ApplyToTensor(this IImageTransform transform, RgbImage image, Random rng)
    {
        var size = transform.OutputSize(image.Width, image.Height);
        var tensor = empty([3, size.Height, size.Width], ScalarType.Float32);
        try
        {
            transform.Apply(image, rng, MemoryMarshal.Cast<byte, float>(tensor.bytes));
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Writes the transformed image into <c>batch[index]</c> of a contiguous float32 CPU tensor
    /// <c>[N, 3, H, W]</c>. Safe to call from several threads for different indices.</summary>
    public static void ApplyToBatch(this IImageTransform transform, RgbImage image, Random rng, Tensor batch, int index)
    {
        var size = transform.OutputSize(image.Width, image.Height);
        transform.Apply(image, rng, SampleSpan(batch, index, size));
    }

    /// <summary>The floats of <c>batch[index]</c>, checked against the expected <c>[3, H, W]</c> sample shape.</summary>
    public static Span<float> SampleSpan(Tensor batch, int index, ImageSize sampleSize)
    {
        if (batch.dtype != ScalarType.Float32 || batch.device_type != DeviceType.CPU || !batch.is_contiguous() || batch.dim() != 4)
            throw new ArgumentException($"Expected a contiguous float32 CPU tensor [N, 3, H, W], got {batch.dtype} {batch.device_type} [{string.Join(", ", batch.shape)}]", nameof(batch));
        if (batch.shape[1] != 3 || batch.shape[2] != sampleSize.Height || batch.shape[3] != sampleSize.Width)
            throw new ArgumentException($"Batch samples are [{string.Join(", ", batch.shape.Skip(1))}], the transform produces [3, {sampleSize.Height}, {sampleSize.Width}]", nameof(batch));
        if (index < 0 || index >= batch.shape[0])
            throw new ArgumentOutOfRangeException(nameof(index), $"Index {index} is outside the batch of {batch.shape[0]}");
        var sampleLength = 3 * sampleSize.Height * sampleSize.Width;
        return MemoryMarshal.Cast<byte, float>(batch.bytes).Slice(index * sampleLength, sampleLength);
    }
}
