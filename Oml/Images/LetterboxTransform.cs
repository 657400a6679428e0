namespace Oml.Images;

/// <summary>
/// <c>norm_resize_albu</c> / <c>norm_resize_albu_clip</c>: longest side to <c>Size</c> keeping the aspect ratio,
/// centred white padding to a square, normalise (albumentations <c>LongestMaxSize</c> + <c>PadIfNeeded</c>).
/// Unlike OML, whose albumentations path resizes with OpenCV's non-antialiased bilinear, the resize is antialiased.
/// </summary>
public sealed class LetterboxTransform : IImageTransform
{
    public LetterboxTransform(int size, ChannelNormalization normalization)
    {
        Size = TransformArgs.Positive(size, nameof(size));
        Normalization = normalization;
    }

    public int Size { get; }

    public ChannelNormalization Normalization { get; }

    public ImageSize OutputSize(int sourceWidth, int sourceHeight) => new(Size, Size);

    public bool IsRandom => false;

    public void Apply(RgbImage image, Random rng, Span<float> destination)
    {
        using var boxed = Letterbox(image, Size);
        Normalization.WriteChannelsFirst(boxed, destination);
    }

    /// <summary>The letterboxed 8-bit image, <paramref name="size"/> x <paramref name="size"/>, padded with white.</summary>
    public static RgbImage Letterbox(RgbImage image, int size)
    {
        var scale = (double)size / Math.Max(image.Width, image.Height);
        // Python's round (half to even), as albumentations computes the new size.
        var width = Math.Clamp((int)Math.Round(image.Width * scale), 1, size);
        var height = Math.Clamp((int)Math.Round(image.Height * scale), 1, size);
        using var resized = width == image.Width && height == image.Height
            ? image.Clone()
            : ImageResize.Resize(image, width, height, ResampleFilter.Bilinear);
        var result = new RgbImage(size, size);
        result.Pixels.Fill(255);
        int left = (size - width) / 2, top = (size - height) / 2;
        var src = resized.Pixels;
        var dst = result.Pixels;
        for (var y = 0; y < height; y++)
            src.Slice(y * width * 3, width * 3).CopyTo(dst.Slice(((top + y) * size + left) * 3, width * 3));
        return result;
    }
}
