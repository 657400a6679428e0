using Oml.Retrieval;

namespace Oml.Metrics;

/// <summary>
/// OML's <c>metric_args</c> (the arguments of <c>EmbeddingMetrics</c>) with OML's defaults, plus this library's
/// additions: <c>distance</c>, <c>no_ground_truth</c>, <c>map_at_r</c>, <c>r_precision</c>.
/// </summary>
public sealed record MetricArgs
{
    public IReadOnlyList<int> CmcTopK { get; init; } = [5];

    public IReadOnlyList<int> PrecisionTopK { get; init; } = [5];

    public IReadOnlyList<int> MapTopK { get; init; } = [5];

    /// <summary>FNMR@FMR at these FMR fractions (in [0, 1]); computed streaming, OVERALL only.</summary>
    public IReadOnlyList<double> FmrValues { get; init; } = [];

    public IReadOnlyList<double> PcfVariance { get; init; } = [0.5];

    /// <summary>PML-style MAP@R (R = number of ground-truth items), named <c>map@R</c>.</summary>
    public bool MapAtR { get; init; }

    /// <summary>R-precision (hits in the top R / R), named <c>r_precision</c>.</summary>
    public bool RPrecision { get; init; }

    public DistanceKind Distance { get; init; } = DistanceKind.Euclidean;

    public NoGroundTruthPolicy NoGroundTruth { get; init; } = NoGroundTruthPolicy.Exclude;

    public bool ReturnOnlyOverallCategory { get; init; }

    public bool VisualizeOnlyOverallCategory { get; init; } = true;

    public IReadOnlyList<string> MetricsToExcludeFromVisualization { get; init; } = [];

    public static MetricArgs Default { get; } = new();
}
