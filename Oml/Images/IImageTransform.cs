namespace Oml.Images;

/// <summary>
/// Turns a decoded (and already box-cropped) RGB image into a normalised float image, channels first
/// (<c>[3, H, W]</c>, RGB order), written straight into a caller-owned buffer such as sample <c>i</c> of a
/// preallocated <c>[N, 3, H, W]</c> batch tensor (see <see cref="ImageTransformExtensions.ApplyToBatch"/>).
/// Implement it for a custom transform and register it in <c>Registry.Transforms</c>.
/// <para>Rules for implementations: take every random number from the <see cref="Random"/> passed in (the same seed
/// must give the same output on any thread), do not dispose or modify the input image, and be thread-safe (one
/// instance serves all loader threads, each with its own <see cref="Random"/>).</para>
/// </summary>
public interface IImageTransform
{
    /// <summary>The <c>(W, H)</c> of the output for a source image of the given size.</summary>
    ImageSize OutputSize(int sourceWidth, int sourceHeight);

    /// <summary>Writes <c>3 * H * W</c> floats (channel planes R, G, B) into <paramref name="destination"/>.</summary>
    void Apply(RgbImage image, Random rng, Span<float> destination);

    /// <summary>
    /// The smallest decoded size that gives the same output up to resampling noise, or null when the transform needs
    /// full resolution (the default; random crops do). A JPEG decoder may then use libjpeg-turbo's cheap DCT scaling.
    /// </summary>
    ImageSize? MinimumDecodeSize(int sourceWidth, int sourceHeight) => null;

    /// <summary>
    /// Whether <see cref="Apply"/> draws from its <see cref="Random"/>. A transform that does not (false) gives every
    /// image the same output in every epoch, so a trainer may keep that output in memory (<see cref="TransformedImageCache"/>).
    /// The default, true, is the safe answer for a custom transform.
    /// </summary>
    bool IsRandom => true;
}
