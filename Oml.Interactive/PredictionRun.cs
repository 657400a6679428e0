using Oml.Models;
using Oml.Pipelines;
using Oml.Training;

namespace Oml.Interactive;

/// <summary>What <c>#!oml-predict --name emb</c> binds: the files written and the embeddings read back (N x D, row-major).</summary>
public sealed class PredictionRun
{
    public PredictionRun(PredictionRunResult result, Oml.IO.NpyArray? embeddings, IReadOnlyList<string> paths)
    {
        Result = result;
        Embeddings = embeddings;
        Paths = paths;
    }

    public PredictionRunResult Result { get; }

    /// <summary>The embeddings (row i belongs to <see cref="Paths"/>[i]); null when the file could not be read.</summary>
    public Oml.IO.NpyArray? Embeddings { get; }

    public IReadOnlyList<string> Paths { get; }

    public override string ToString() => $"PredictionRun: {Result.Images} x {Result.Dimensions} in {Result.EmbeddingsPath}";
}
