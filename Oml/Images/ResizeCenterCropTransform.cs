namespace Oml.Images;

/// <summary><c>norm_resize_hypvit_torch</c>: shorter side to <c>Size</c> (bicubic, antialiased), centre crop
/// <c>CropSize x CropSize</c>, normalise (torchvision <c>Resize(size)</c> + <c>CenterCrop(crop_size)</c>).</summary>
public sealed class ResizeCenterCropTransform : IImageTransform
{
    public ResizeCenterCropTransform(int size, int cropSize, ChannelNormalization normalization)
    {
        Size = TransformArgs.Positive(size, nameof(size));
        CropSize = TransformArgs.Positive(cropSize, nameof(cropSize));
        if (cropSize > size)
            throw new ArgumentOutOfRangeException(nameof(cropSize), $"crop_size ({cropSize}) must not exceed im_size ({size})");
        Normalization = normalization;
    }

    public int Size { get; }

    public int CropSize { get; }

    public ChannelNormalization Normalization { get; }

    public ImageSize OutputSize(int sourceWidth, int sourceHeight) => new(CropSize, CropSize);

    public bool IsRandom => false;

    public void Apply(RgbImage image, Random rng, Span<float> destination)
    {
        var (width, height) = ShorterSideTo(image.Width, image.Height, Size);
        using var resized = ImageResize.Resize(image, width, height, ResampleFilter.Bicubic);
        // torchvision: int(round((h - crop) / 2.0)), round half to even
        var top = (int)Math.Round((height - CropSize) / 2.0);
        var left = (int)Math.Round((width - CropSize) / 2.0);
        using var cropped = resized.Crop(left, top, CropSize, CropSize);
        Normalization.WriteChannelsFirst(cropped, destination);
    }

    /// <summary>torchvision's <c>Resize(int)</c> size: the shorter side becomes <paramref name="size"/>, the longer
    /// <c>int(size * long / short)</c>.</summary>
    public static ImageSize ShorterSideTo(int width, int height, int size) => width <= height
        ? new ImageSize(size, (int)((long)size * height / width))
        : new ImageSize((int)((long)size * width / height), size);
}
