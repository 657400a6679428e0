namespace Oml.Pipelines;

/// <summary>What <c>oml predict</c> wrote: <c>embeddings.npy</c> (N x D float32), <c>paths.csv</c> (row order) and OML's <c>predictions.json</c>.</summary>
public sealed record PredictionRunResult(int Images, int Dimensions, string EmbeddingsPath, string PathsCsv, string PredictionsJson, double Seconds);
