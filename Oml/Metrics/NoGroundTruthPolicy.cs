namespace Oml.Metrics;

/// <summary>
/// What the metrics do with a query that has no ground truth in the gallery (its only same-label item is itself or
/// shares its sequence). OML averages such a query in: CMC 0, MAP 0 and precision NaN, which turns the whole
/// <c>OVERALL/precision/k</c> into NaN. Either way the number of such queries is reported.
/// </summary>
public enum NoGroundTruthPolicy
{
    /// <summary><c>exclude</c> (default): left out of every mean.</summary>
    Exclude,

    /// <summary><c>zero</c>: counted as 0 in every metric (a failed query).</summary>
    Zero,
}
