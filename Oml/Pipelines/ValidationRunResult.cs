using Oml.Data;
using Oml.Metrics;

namespace Oml.Pipelines;

/// <summary>
/// What <c>oml validate</c> produced: the metrics and retrieval results (with the configured postprocessor when there
/// is one), those of the plain embeddings for comparison, the dataset they refer to, and the files written.
/// </summary>
public sealed record ValidationRunResult(
    EmbeddingMetricsResult Result,
    EmbeddingMetricsResult? WithoutPostprocessor,
    string MetricsJsonPath,
    IReadOnlyList<string> FigureFiles,
    double EmbeddingSeconds,
    double MetricSeconds)
{
    /// <summary>The dataset validated: the retrieval's query and gallery rows are rows of its validation split.</summary>
    public DatasetFrame? Frame { get; init; }

    /// <summary>The configured postprocessor's registry name (e.g. <c>k_reciprocal</c>), or null.</summary>
    public string? PostprocessorName { get; init; }
}
