namespace Oml.Images;

/// <summary>Width and height of an image in pixels.</summary>
public readonly record struct ImageSize(int Width, int Height)
{
    public long PixelCount => (long)Width * Height;

    public override string ToString() => $"{Width}x{Height}";
}
