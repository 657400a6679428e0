namespace Oml.Images;

/// <summary>
/// <c>augs_torch</c> and <c>augs_hypvit_torch</c>: torchvision's <c>RandomResizedCrop(size, scale=(MinScale, 1),
/// ratio=(3/4, 4/3))</c>, then <c>RandomHorizontalFlip(0.5)</c>, then an optional <see cref="ColorJitter"/>, then
/// normalisation. The crop region is resampled directly from the source (antialiased), which can use a pixel or two
/// beyond the crop edge where torchvision crops first; otherwise the random draws follow torchvision's algorithm.
/// </summary>
public sealed class RandomResizedCropTransform : IImageTransform
{
    private static readonly double LogMinRatio = Math.Log(3.0 / 4.0);
    private static readonly double LogMaxRatio = Math.Log(4.0 / 3.0);

    public RandomResizedCropTransform(
        int size, double minScale, ResampleFilter filter, ColorJitter? jitter, ChannelNormalization normalization,
        double flipProbability = 0.5)
    {
        Size = TransformArgs.Positive(size, nameof(size));
        if (minScale is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(minScale), $"min_scale must be in (0, 1], got {minScale}");
        MinScale = minScale;
        Filter = filter;
        Jitter = jitter;
        Normalization = normalization;
        FlipProbability = TransformArgs.Probability(flipProbability, nameof(flipProbability));
    }

    public int Size { get; }

    public double MinScale { get; }

    public ResampleFilter Filter { get; }

    public ColorJitter? Jitter { get; }

    public ChannelNormalization Normalization { get; }

    public double FlipProbability { get; }

    public ImageSize OutputSize(int sourceWidth, int sourceHeight) => new(Size, Size);

    public void Apply(RgbImage image, Random rng, Span<float> destination)
    {
        var (left, top, width, height) = SampleCrop(image.Width, image.Height, MinScale, rng);
        var flip = rng.NextDouble() < FlipProbability;
        using var resized = ImageResize.Resize(image, left, top, left + width, top + height, Size, Size, Filter);
        Jitter?.Apply(resized, rng);
        Normalization.WriteChannelsFirst(resized, destination, flip);
    }

    /// <summary>torchvision's <c>RandomResizedCrop.get_params</c>: 10 tries at a random area and aspect ratio, then
    /// a centre crop with the ratio clamped to [3/4, 4/3].</summary>
    public static (int Left, int Top, int Width, int Height) SampleCrop(int imageWidth, int imageHeight, double minScale, Random rng)
    {
        var area = (double)imageWidth * imageHeight;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var targetArea = area * (minScale + (1 - minScale) * rng.NextDouble());
            var aspect = Math.Exp(LogMinRatio + (LogMaxRatio - LogMinRatio) * rng.NextDouble());
            var w = (int)Math.Round(Math.Sqrt(targetArea * aspect));
            var h = (int)Math.Round(Math.Sqrt(targetArea / aspect));
            if (w > 0 && w <= imageWidth && h > 0 && h <= imageHeight)
                return (rng.Next(imageWidth - w + 1), rng.Next(imageHeight - h + 1), w, h);
        }
        var ratio = (double)imageWidth / imageHeight;
        int cw = imageWidth, ch = imageHeight;
        if (ratio < 3.0 / 4.0) ch = Math.Max(1, (int)Math.Round(cw / (3.0 / 4.0)));
        else if (ratio > 4.0 / 3.0) cw = Math.Max(1, (int)Math.Round(ch * (4.0 / 3.0)));
        ch = Math.Min(ch, imageHeight);
        cw = Math.Min(cw, imageWidth);
        return ((imageWidth - cw) / 2, (imageHeight - ch) / 2, cw, ch);
    }
}
