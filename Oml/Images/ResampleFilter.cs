namespace Oml.Images;

/// <summary>Resampling kernel of <see cref="ImageResize"/>; both are antialiased when shrinking (PIL semantics).</summary>
public enum ResampleFilter
{
    /// <summary>Triangle filter, support 1 (PIL <c>BILINEAR</c>, torchvision <c>Resize(antialias=True)</c>).</summary>
    Bilinear,

    /// <summary>Keys cubic with a = -0.5, support 2 (PIL <c>BICUBIC</c>).</summary>
    Bicubic,
}
