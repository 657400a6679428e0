namespace Oml.Onnx;

/// <summary>
/// The keys <see cref="OnnxExport"/> writes into the model's <c>metadata_props</c> (docs/onnx.md describes each).
/// Everything a program needs to prepare images for the model is there: the input size, the resize, the channel order,
/// the value scale and the mean / std (or a mean image).
/// </summary>
public static class OnnxMetadataKeys
{
    /// <summary>The network, e.g. <c>resnet18, average pooling</c> or <c>extractor_with_mlp (vits16; mlp [384])</c>.</summary>
    public const string Architecture = "architecture";

    /// <summary>The size of one feature vector (the output's second dimension).</summary>
    public const string FeatureDim = "feature_dim";

    /// <summary><c>true</c> when every output row has unit L2 norm (<c>normalise_features</c>).</summary>
    public const string NormalisedFeatures = "normalise_features";

    /// <summary>The input's height and width in pixels.</summary>
    public const string InputHeight = "input_height";

    public const string InputWidth = "input_width";

    /// <summary>The name of the transform block the model was trained / validated with (<c>norm_resize_torch</c>, <c>norm_resize_albu</c>, ...).</summary>
    public const string Transform = "transform";

    /// <summary>That block's args as JSON (<c>{"im_size":224}</c>).</summary>
    public const string TransformArgs = "transform_args";

    /// <summary>How an image becomes the input's size: <c>squash</c>, <c>letterbox</c>, <c>shorter_side_center_crop</c>, <c>none</c> or <c>custom</c>.</summary>
    public const string Resize = "resize";

    /// <summary>The order of the input's 3 channels: <c>RGB</c> or <c>BGR</c>.</summary>
    public const string ChannelOrder = "channel_order";

    /// <summary>The pixel values before the mean is subtracted: <c>0-1</c> (8-bit value / 255) or <c>0-255</c>.</summary>
    public const string PixelScale = "pixel_scale";

    /// <summary>3 comma-separated numbers, per input channel (in <see cref="ChannelOrder"/>), on <see cref="PixelScale"/>; or <c>mean_image</c>.</summary>
    public const string Mean = "mean";

    /// <summary>3 comma-separated numbers, per input channel: input = (pixel − mean) / std.</summary>
    public const string Std = "std";

    /// <summary>With <see cref="Mean"/> = <c>mean_image</c>: base64 of float32 little-endian [3, H, W], input channel order, on <see cref="PixelScale"/>.</summary>
    public const string MeanImage = "mean_image";

    /// <summary>The extractor's config block as JSON, when the export came from a config or a checkpoint.</summary>
    public const string Extractor = "extractor";

    /// <summary>Where the weights came from (a checkpoint, a weights file, a zoo key), when known.</summary>
    public const string Weights = "weights";
}
