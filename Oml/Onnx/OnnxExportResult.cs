namespace Oml.Onnx;

/// <summary>
/// A written ONNX model and what its check found: the file, its signature (input <c>images</c> [batch, 3, H, W],
/// output <c>embeddings</c> [batch, D], batch dynamic), its metadata, and the largest difference between ONNX Runtime's
/// and TorchSharp's features on the check images, at every batch size checked.
/// </summary>
public sealed record OnnxExportResult
{
    public required string Path { get; init; }

    public required long Bytes { get; init; }

    public required int Opset { get; init; }

    /// <summary>The network, as <see cref="OnnxMetadataKeys.Architecture"/> states it.</summary>
    public required string Architecture { get; init; }

    public required string InputName { get; init; }

    /// <summary>Dimensions as written: <c>batch</c> (dynamic), then numbers.</summary>
    public required IReadOnlyList<string> InputShape { get; init; }

    public required string OutputName { get; init; }

    public required IReadOnlyList<string> OutputShape { get; init; }

    /// <summary>The model's <c>metadata_props</c> (<see cref="OnnxMetadataKeys"/>).</summary>
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    /// <summary>The largest |ONNX Runtime − TorchSharp| over every feature of every check image and batch size.</summary>
    public required double MaxAbsDifference { get; init; }

    public required double Tolerance { get; init; }

    /// <summary>The largest |feature| TorchSharp computed for the check images: the check allows <see cref="Tolerance"/> times it when it exceeds 1 (<see cref="FeatureDifference.Allowed"/>).</summary>
    public required double LargestFeature { get; init; }

    /// <summary>The largest difference the check accepted.</summary>
    public double AllowedDifference => FeatureDifference.Allowed(Tolerance, LargestFeature);

    /// <summary>The batch sizes ONNX Runtime ran (1 and all check images: the batch dimension is dynamic).</summary>
    public required IReadOnlyList<int> CheckedBatchSizes { get; init; }

    /// <summary>How the check images were chosen (e.g. "3 mock-dataset images").</summary>
    public required string CheckImages { get; init; }

    public required double Seconds { get; init; }

    /// <summary>What the caller should know (an input size chosen for them, random weights, ...).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
