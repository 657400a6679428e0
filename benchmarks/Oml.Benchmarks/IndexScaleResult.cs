namespace Oml.Benchmarks;

/// <summary>What one <c>index-scale-worker</c> case reports (one <c>RESULT {json}</c> line).</summary>
internal sealed record IndexScaleResult(
    string Case,
    double Seconds,
    double RssAfterDataMb,
    double PeakRssMb,
    Dictionary<string, double> Extra,
    List<IndexScaleResult.SearchRow>? Rows = null,
    Dictionary<string, string>? Info = null)
{
    /// <summary>One expansion_search of the index: recall against the exact top k, batch time, single-query latency.</summary>
    public sealed record SearchRow(int ExpansionSearch, double Recall, double BatchSeconds, double P50Ms, double P99Ms, double MeanMs);

    public double BeyondDataMb => PeakRssMb - RssAfterDataMb;
}
