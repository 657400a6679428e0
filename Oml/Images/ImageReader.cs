using Oml.Data;

namespace Oml.Images;

/// <summary>
/// Reads an image file (through an optional LRU cache of raw bytes) and decodes it, cropped to an optional box.
/// Thread-safe: a data loader shares one reader between its worker threads.
/// </summary>
public sealed class ImageReader
{
    /// <param name="cacheSize">OML's <c>cache_size</c>: how many files' raw bytes to keep in memory (0 = off).</param>
    /// <param name="decoder">Decoder settings (pixel limit, DCT downscaling); <see cref="ImageDecoder.Current"/> when null.</param>
    public ImageReader(int cacheSize = 0, ImageDecoder? decoder = null)
    {
        Cache = new ImageBytesCache(cacheSize);
        Decoder = decoder ?? ImageDecoder.Current;
    }

    public ImageBytesCache Cache { get; }

    public ImageDecoder Decoder { get; }

    /// <summary>Reads and decodes <paramref name="path"/>; see <see cref="ImageDecoder.Decode"/> for box and transform.</summary>
    public RgbImage Read(string path, BoundingBox? box = null, IImageTransform? transform = null) =>
        Decoder.Decode(Cache.GetOrRead(path), path, box, transform);

    /// <summary>Reads, decodes and transforms <paramref name="path"/> into <paramref name="destination"/>
    /// (<c>3 * H * W</c> floats, H and W from <see cref="IImageTransform.OutputSize"/> of the decoded, cropped image).</summary>
    public void ReadInto(string path, BoundingBox? box, IImageTransform transform, Random rng, Span<float> destination)
    {
        using var image = Read(path, box, transform);
        transform.Apply(image, rng, destination);
    }
}
