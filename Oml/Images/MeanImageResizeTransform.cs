using static TorchSharp.torch;

namespace Oml.Images;

/// <summary>
/// <c>norm_resize_mlnet</c>: squash to <c>Size x Size</c> as <see cref="ResizeTransform"/> does, then the ML.NET
/// ResNet-18's own preprocessing (<c>ResNetPreprocess.onnx</c>): channels in B, G, R order on the 0-255 scale minus a
/// per-pixel mean image. At the mean image's own size (224 px) this is the ONNX graph exactly; at other sizes the mean
/// image is resized to the output size (bilinear, antialiased), which keeps its spatial pattern
/// (docs/pretrained-mlnet.md measures what that changes against plain channel means).
/// </summary>
public sealed class MeanImageResizeTransform : IImageTransform
{
    private readonly float[] _mean; // [3, Size, Size], B, G, R planes

    /// <param name="size">The output side.</param>
    /// <param name="meanImage">The mean image, <c>[3, meanSize, meanSize]</c> B, G, R planes on the 0-255 scale.</param>
    /// <param name="meanSize">The side of <paramref name="meanImage"/>.</param>
    public MeanImageResizeTransform(int size, float[] meanImage, int meanSize)
    {
        Size = TransformArgs.Positive(size, nameof(size));
        ArgumentNullException.ThrowIfNull(meanImage);
        if (meanImage.Length != 3 * meanSize * meanSize)
            throw new ArgumentException($"the mean image has {meanImage.Length} values, {3 * meanSize * meanSize} expected for [3, {meanSize}, {meanSize}]", nameof(meanImage));
        _mean = size == meanSize ? meanImage : ResizeMean(meanImage, meanSize, size);
    }

    public int Size { get; }

    /// <summary>The mean image subtracted at the output size, <c>[3, Size, Size]</c> (B, G, R).</summary>
    public ReadOnlySpan<float> MeanImage => _mean;

    public ImageSize OutputSize(int sourceWidth, int sourceHeight) => new(Size, Size);

    public bool IsRandom => false;

    public void Apply(RgbImage image, Random rng, Span<float> destination)
    {
        using var resized = ImageResize.Resize(image, Size, Size, ResampleFilter.Bilinear);
        var plane = Size * Size;
        if (destination.Length < 3 * plane)
            throw new ArgumentException($"Destination holds {destination.Length} floats, {3 * plane} needed", nameof(destination));
        var pixels = resized.Pixels;
        for (var c = 0; c < 3; c++)
        {
            var source = 2 - c; // plane 0 is blue
            var mean = _mean.AsSpan(c * plane, plane);
            var target = destination.Slice(c * plane, plane);
            for (var i = 0; i < plane; i++) target[i] = pixels[i * 3 + source] - mean[i];
        }
    }

    public ImageSize? MinimumDecodeSize(int sourceWidth, int sourceHeight) => new(2 * Size, 2 * Size);

    private static float[] ResizeMean(float[] meanImage, int from, int to)
    {
        using var scope = NewDisposeScope();
        var input = tensor(meanImage, [1, 3, from, from]);
        var resized = nn.functional.interpolate(input, [to, to], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        return resized.contiguous().data<float>().ToArray();
    }
}
