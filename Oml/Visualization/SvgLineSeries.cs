namespace Oml.Visualization;

/// <summary>One line of an <see cref="SvgLineChart"/>: its legend name, its (x, y) points in drawing order and its CSS colour.</summary>
public sealed record SvgLineSeries(string Name, IReadOnlyList<(double X, double Y)> Points, string Color);
