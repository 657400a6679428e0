using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Oml.Images;

namespace Oml.Onnx;

/// <summary>
/// What an image goes through before the exported network, as the model's metadata states it: the transform block, the
/// resize to the input size, the channel order, the value scale and input = (pixel − mean) / std per input channel (or
/// pixel − mean image). Read from the built-in transforms; a custom transform is named only (<c>resize: custom</c>).
/// </summary>
public sealed record OnnxPreprocessing
{
    /// <summary>The transform block's name (<c>norm_resize_torch</c>, ...), or the transform's type name.</summary>
    public required string TransformName { get; init; }

    public IReadOnlyDictionary<string, object?> TransformArgs { get; init; } = new Dictionary<string, object?>();

    /// <summary><c>squash</c>, <c>letterbox</c>, <c>shorter_side_center_crop</c>, <c>none</c> or <c>custom</c>, with its details.</summary>
    public required string Resize { get; init; }

    /// <summary><c>RGB</c> or <c>BGR</c>; null for a custom transform.</summary>
    public string? ChannelOrder { get; init; }

    /// <summary><c>0-1</c> or <c>0-255</c>; null for a custom transform.</summary>
    public string? PixelScale { get; init; }

    /// <summary>Per input channel, in <see cref="ChannelOrder"/>, on <see cref="PixelScale"/>.</summary>
    public IReadOnlyList<double>? Mean { get; init; }

    public IReadOnlyList<double>? Std { get; init; }

    /// <summary>[3, H, W] in input channel order, subtracted instead of <see cref="Mean"/> (the ML.NET ResNet-18's preprocessing).</summary>
    public float[]? MeanImage { get; init; }

    /// <summary>The description of a transform; <paramref name="name"/> and <paramref name="args"/> are its config block's, when it has one.</summary>
    public static OnnxPreprocessing Describe(IImageTransform transform, string? name = null, IReadOnlyDictionary<string, object?>? args = null)
    {
        ArgumentNullException.ThrowIfNull(transform);
        var described = transform switch
        {
            ResizeTransform r => Normalised($"squash: resize to {r.Size}x{r.Size} ignoring the aspect ratio ({Filter(r.Filter)})", r.Normalization),
            LetterboxTransform l => Normalised($"letterbox: longest side to {l.Size} keeping the aspect ratio (bilinear, antialiased), centred white padding to {l.Size}x{l.Size}", l.Normalization),
            ResizeCenterCropTransform c => Normalised($"shorter_side_center_crop: shorter side to {c.Size} (bicubic, antialiased), centre crop {c.CropSize}x{c.CropSize}", c.Normalization),
            NormalizeTransform n => Normalised("none: the image must already have the input's size", n.Normalization),
            MeanImageResizeTransform m => new OnnxPreprocessing
            {
                TransformName = "",
                Resize = $"squash: resize to {m.Size}x{m.Size} ignoring the aspect ratio (bilinear, antialiased)",
                ChannelOrder = "BGR",
                PixelScale = "0-255",
                Std = [1, 1, 1],
                MeanImage = m.MeanImage.ToArray(),
            },
            _ => new OnnxPreprocessing { TransformName = "", Resize = "custom: see the transform's code" },
        };
        return described with { TransformName = name ?? transform.GetType().Name, TransformArgs = args ?? new Dictionary<string, object?>() };
    }

    /// <summary>The metadata entries (<see cref="OnnxMetadataKeys"/>) of this preprocessing.</summary>
    public IEnumerable<KeyValuePair<string, string>> ToMetadata()
    {
        yield return new(OnnxMetadataKeys.Transform, TransformName);
        yield return new(OnnxMetadataKeys.TransformArgs, JsonSerializer.Serialize(TransformArgs));
        yield return new(OnnxMetadataKeys.Resize, Resize);
        if (ChannelOrder is not null) yield return new(OnnxMetadataKeys.ChannelOrder, ChannelOrder);
        if (PixelScale is not null) yield return new(OnnxMetadataKeys.PixelScale, PixelScale);
        if (MeanImage is not null)
        {
            yield return new(OnnxMetadataKeys.Mean, "mean_image");
            yield return new(OnnxMetadataKeys.MeanImage, Convert.ToBase64String(MemoryMarshal.AsBytes(MeanImage.AsSpan())));
        }
        else if (Mean is not null)
        {
            yield return new(OnnxMetadataKeys.Mean, Numbers(Mean));
        }
        if (Std is not null) yield return new(OnnxMetadataKeys.Std, Numbers(Std));
    }

    /// <summary>
    /// <see cref="ChannelNormalization"/> computes (v / 255 − mean) / std with mean and std in R, G, B order. Said per
    /// input channel; when every std is 1 / 255 (Caffe-style models) it is v − 255 · mean on the 0-255 scale.
    /// </summary>
    private static OnnxPreprocessing Normalised(string resize, ChannelNormalization normalization)
    {
        var order = normalization.Bgr ? new[] { 2, 1, 0 } : [0, 1, 2];
        var mean = order.Select(c => normalization.Mean[c]).ToArray();
        var std = order.Select(c => normalization.Std[c]).ToArray();
        var byteScale = std.All(s => Math.Abs(s * 255 - 1) < 1e-9);
        return new OnnxPreprocessing
        {
            TransformName = "",
            Resize = resize,
            ChannelOrder = normalization.Bgr ? "BGR" : "RGB",
            PixelScale = byteScale ? "0-255" : "0-1",
            Mean = byteScale ? mean.Select(m => m * 255).ToArray() : mean,
            Std = byteScale ? [1, 1, 1] : std,
        };
    }

    private static string Filter(ResampleFilter filter) => filter.ToString().ToLowerInvariant() + ", antialiased";

    private static string Numbers(IEnumerable<double> values) => string.Join(",", values.Select(v => v.ToString("G12", CultureInfo.InvariantCulture)));
}
