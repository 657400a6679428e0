namespace Oml.Analysis;

/// <summary>How metric values enter a DataFrame: NaN (nothing to average, a query not scored) becomes null, as in metrics.json.</summary>
internal static class DataFrameValues
{
    public static double? OrNull(double value) => double.IsNaN(value) ? null : value;
}
