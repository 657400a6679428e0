namespace Oml.Images;

/// <summary><c>norm_albu</c> / <c>norm_torch</c>: normalisation only, the output keeps the source size.</summary>
public sealed class NormalizeTransform(ChannelNormalization normalization) : IImageTransform
{
    public ChannelNormalization Normalization { get; } = normalization;

    public ImageSize OutputSize(int sourceWidth, int sourceHeight) => new(sourceWidth, sourceHeight);

    public bool IsRandom => false;

    public void Apply(RgbImage image, Random rng, Span<float> destination) =>
        Normalization.WriteChannelsFirst(image, destination);
}
