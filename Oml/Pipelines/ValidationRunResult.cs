using Oml.Metrics;

namespace Oml.Pipelines;

/// <summary>
/// What <c>oml validate</c> produced: the metrics (with the configured postprocessor when there is one), the
/// metrics of the plain embeddings for comparison, and the files written.
/// </summary>
public sealed record ValidationRunResult(
    EmbeddingMetricsResult Result,
    EmbeddingMetricsResult? WithoutPostprocessor,
    string MetricsJsonPath,
    IReadOnlyList<string> FigureFiles,
    double EmbeddingSeconds,
    double MetricSeconds);
