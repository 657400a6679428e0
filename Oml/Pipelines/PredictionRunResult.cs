using Oml.Data;

namespace Oml.Pipelines;

/// <summary>
/// What <c>oml predict</c> computed and wrote: the embeddings (N x D, row-major, row i for <see cref="Paths"/>[i]),
/// the images they belong to, and the files <c>embeddings.npy</c>, <c>paths.csv</c> (row order) and OML's
/// <c>predictions.json</c>.
/// </summary>
public sealed record PredictionRunResult(int Images, int Dimensions, string EmbeddingsPath, string PathsCsv, string PredictionsJson, double Seconds)
{
    /// <summary>The embeddings, row-major: <c>Embeddings[i * Dimensions + j]</c> (empty when not kept).</summary>
    public float[] Embeddings { get; init; } = [];

    /// <summary>Image of each row as written to <c>paths.csv</c> (the dataframe's path, or the file under <c>data_dir</c>).</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>The rows predicted, in order (labels, categories and boxes when the input was a dataframe).</summary>
    public IReadOnlyList<DatasetRow> Rows { get; init; } = [];

    /// <summary>The dataframe the rows belong to (for image paths); null when not kept.</summary>
    public DatasetFrame? Frame { get; init; }

    /// <summary>What computed the embeddings (config key <c>engine</c>).</summary>
    public InferenceEngine Engine { get; init; } = InferenceEngine.Torch;

    /// <summary>The ONNX model ONNX Runtime ran (<see cref="InferenceEngine.OnnxRuntime"/>), else null.</summary>
    public string? OnnxModel { get; init; }

    /// <summary>The export of the extractor block that ran, when the engine exported it (no <c>engine.args.model</c>).</summary>
    public Onnx.OnnxExportResult? OnnxExport { get; init; }

    /// <summary>Label of each row when the input was a dataframe, else null (a folder of images has no labels).</summary>
    public IReadOnlyList<long>? Labels { get; init; }
}
