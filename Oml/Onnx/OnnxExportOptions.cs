using Oml.Images;

namespace Oml.Onnx;

/// <summary>How <see cref="OnnxExport.Export"/> writes and checks a model; every option has a default.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>
    /// The largest max-abs difference between ONNX Runtime's and TorchSharp's features that the check accepts, for
    /// features up to 1 in magnitude; larger ones are compared relative to the largest (<see cref="FeatureDifference.Allowed"/>).
    /// </summary>
    public const double DefaultTolerance = 1e-4;

    /// <summary>
    /// The side of the square input. Null: the transform's output side; for a transform that keeps the image's size
    /// (<c>norm_albu</c>, <c>norm_torch</c>) or none, the extractor's own (a ViT's <c>ImageSize</c>, 224 for a ResNet).
    /// </summary>
    public int? ImageSize { get; init; }

    /// <summary>The transform the model expects (validation / prediction); null: <c>norm_resize_torch</c> (ImageNet mean and std) at the input size.</summary>
    public IImageTransform? Transform { get; init; }

    /// <summary>The transform's config block name and args, for the metadata (null: the type's name).</summary>
    public string? TransformName { get; init; }

    public IReadOnlyDictionary<string, object?>? TransformArgs { get; init; }

    /// <summary>More <c>metadata_props</c> entries (e.g. <see cref="OnnxMetadataKeys.Extractor"/>); they replace the export's own of the same key.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>See <see cref="DefaultTolerance"/>.</summary>
    public double Tolerance { get; init; } = DefaultTolerance;

    /// <summary>Images for the check (decoded RGB; the transform prepares them); null: 3 rendered mock-dataset images.</summary>
    public IReadOnlyList<RgbImage>? CheckImages { get; init; }

    /// <summary>ONNX Runtime's threads for the check; null: TorchSharp's thread count.</summary>
    public int? Threads { get; init; }

    /// <summary>How messages name the output path (the option or config key that chose it).</summary>
    public string PathName { get; init; } = "the ONNX path";
}
