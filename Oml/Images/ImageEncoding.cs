using SkiaSharp;
using static TorchSharp.torch;

namespace Oml.Images;

/// <summary>PNG / JPEG encoding of RGB images, and normalised <c>[3, H, W]</c> tensors back to pictures for visual
/// checks (e.g. worst-query grids).</summary>
public static class ImageEncoding
{
    public static byte[] EncodePng(RgbImage image) => Encode(image, SKEncodedImageFormat.Png, 100);

    public static byte[] EncodeJpeg(RgbImage image, int quality = 90)
    {
        if (quality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(quality), "JPEG quality must be in 1..100");
        return Encode(image, SKEncodedImageFormat.Jpeg, quality);
    }

    /// <summary>Undoes <paramref name="normalization"/> on a float <c>[3, H, W]</c> tensor (any device) and rounds to 8 bits.</summary>
    public static RgbImage FromNormalizedTensor(Tensor chw, ChannelNormalization normalization)
    {
        if (chw.dim() != 3 || chw.shape[0] != 3)
            throw new ArgumentException($"Expected a [3, H, W] tensor, got [{string.Join(", ", chw.shape)}]", nameof(chw));
        int height = (int)chw.shape[1], width = (int)chw.shape[2];
        using var scope = NewDisposeScope();
        var values = chw.to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        var image = new RgbImage(width, height);
        var pixels = image.Pixels;
        var plane = width * height;
        for (var c = 0; c < 3; c++)
            for (var i = 0; i < plane; i++)
                pixels[i * 3 + normalization.SourceChannel(c)] = normalization.Denormalize(normalization.SourceChannel(c), values[c * plane + i]);
        return image;
    }

    /// <summary>PNG bytes of a normalised <c>[3, H, W]</c> tensor.</summary>
    public static byte[] ToPng(Tensor chw, ChannelNormalization normalization)
    {
        using var image = FromNormalizedTensor(chw, normalization);
        return EncodePng(image);
    }

    /// <summary>The pixels as opaque RGBA, the layout SkiaSharp draws and encodes.</summary>
    internal static byte[] ToRgba(RgbImage image)
    {
        var rgba = new byte[image.Width * image.Height * 4];
        var rgb = image.Pixels;
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgba[j] = rgb[i];
            rgba[j + 1] = rgb[i + 1];
            rgba[j + 2] = rgb[i + 2];
            rgba[j + 3] = 255;
        }
        return rgba;
    }

    private static unsafe byte[] Encode(RgbImage image, SKEncodedImageFormat format, int quality)
    {
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var rgba = ToRgba(image);
        fixed (byte* p = rgba)
        {
            using var pixmap = new SKPixmap(info, (IntPtr)p, image.Width * 4);
            using var data = pixmap.Encode(format, quality)
                ?? throw new InvalidOperationException($"SkiaSharp could not encode a {image.Width}x{image.Height} image as {format}");
            return data.ToArray();
        }
    }
}
