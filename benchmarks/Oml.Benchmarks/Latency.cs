namespace Oml.Benchmarks;

/// <summary>Percentiles of per-call times (nearest rank, as latency reports use).</summary>
internal static class Latency
{
    /// <param name="fraction">0.5 for p50, 0.99 for p99.</param>
    public static double Percentile(IReadOnlyList<double> values, double fraction)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
