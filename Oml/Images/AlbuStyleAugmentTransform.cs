namespace Oml.Images;

/// <summary>
/// <c>augs_albu</c>: a documented subset of the albumentations training augmentations of OML's CARS/CUB recipes,
/// on top of the <see cref="LetterboxTransform"/> geometry. In order, each with its own probability:
/// <list type="number">
/// <item>letterbox to <c>Size</c> (longest side, centred white padding);</item>
/// <item>horizontal flip, p = 0.5;</item>
/// <item>affine, p = 0.5: rotation ±5°, shear ±7°, translation ±5% (white fill). OML picks one of Perspective,
/// Affine (rotation only ±0.1°) and GridDistortion; only the affine is ported, with a rotation that does something;</item>
/// <item>Gaussian blur, p = 0.5, sigma 0.7..2.0 (OML: one of motion / median / box / Gaussian blur);</item>
/// <item>colour jitter (0.4, 0.4, 0.4, 0.1), p = 0.8 (OML: one of ColorJitter, HSV, CLAHE, Sharpen, Emboss,
/// brightness/contrast);</item>
/// <item>to grey, p = 0.2 (OML: one of channel dropout, to-grey, channel shuffle);</item>
/// <item>coarse dropout, p = 0.25: 1..3 white holes of up to 20x20 pixels at 224, scaled with <c>Size</c>
/// (OML: coarse dropout or Gaussian noise);</item>
/// <item>normalisation (ImageNet unless given).</item>
/// </list>
/// </summary>
public sealed class AlbuStyleAugmentTransform : IImageTransform
{
    public AlbuStyleAugmentTransform(int size, ChannelNormalization normalization)
    {
        Size = TransformArgs.Positive(size, nameof(size));
        Normalization = normalization;
    }

    public int Size { get; }

    public ChannelNormalization Normalization { get; }

    public ColorJitter Jitter { get; } = new(0.4, 0.4, 0.4, 0.1);

    public ImageSize OutputSize(int sourceWidth, int sourceHeight) => new(Size, Size);

    public void Apply(RgbImage image, Random rng, Span<float> destination)
    {
        var current = LetterboxTransform.Letterbox(image, Size);
        try
        {
            var flip = rng.NextDouble() < 0.5;
            if (rng.NextDouble() < 0.5)
            {
                var warped = AugmentationOps.Affine(
                    current, Uniform(rng, -5, 5), Uniform(rng, -7, 7), Uniform(rng, -0.05, 0.05), Uniform(rng, -0.05, 0.05));
                current.Dispose();
                current = warped;
            }
            if (rng.NextDouble() < 0.5) AugmentationOps.GaussianBlur(current, Uniform(rng, 0.7, 2.0));
            if (rng.NextDouble() < 0.8) Jitter.Apply(current, rng);
            if (rng.NextDouble() < 0.2) AugmentationOps.ToGrey(current);
            if (rng.NextDouble() < 0.25)
                AugmentationOps.CoarseDropout(current, rng.Next(1, 4), Math.Max(1, (int)Math.Round(20.0 * Size / 224)), rng);
            Normalization.WriteChannelsFirst(current, destination, flip);
        }
        finally
        {
            current.Dispose();
        }
    }

    private static double Uniform(Random rng, double low, double high) => low + (high - low) * rng.NextDouble();
}
