namespace Oml.Visualization;

/// <summary>
/// The rows of one worst-query figure: the <see cref="Metric"/> (e.g. <c>OVERALL/map/5</c>), OML's figure
/// <see cref="Title"/> (<c>top 5 worst by OVERALL_map_5</c>) and one row per query, worst first.
/// </summary>
public sealed record WorstQueryRows(string Metric, string Title, IReadOnlyList<RetrievalRow> Rows);
