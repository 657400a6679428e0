using System.Globalization;

namespace Oml.Metrics;

/// <summary>OML's flattened metric names: <c>OVERALL/cmc/1</c>, <c>shoes/precision/5</c>, <c>OVERALL/pcf/0.5</c>.</summary>
public static class MetricNames
{
    public const string Overall = "OVERALL";
    public const string Cmc = "cmc";
    public const string Precision = "precision";
    public const string Map = "map";
    public const string MapAtR = "map@R";
    public const string RPrecision = "r_precision";
    public const string Pcf = "pcf";
    public const string FnmrAtFmr = "fnmr@fmr";
    public const string RetrievalRecall = "retrieval_recall";

    public static string Of(string category, string metric, int k) => $"{category}/{metric}/{k}";

    public static string Of(string category, string metric, double value) => $"{category}/{metric}/{PythonFloat(value)}";

    public static string Of(string category, string metric) => $"{category}/{metric}";

    /// <summary><c>OVERALL/retrieval_recall@k</c>: the share of the exact top k an approximate search found (not a per-query metric).</summary>
    public static string RetrievalRecallAt(int k) => $"{Overall}/{RetrievalRecall}@{k}";

    public static bool IsRetrievalRecall(string name) => name.StartsWith($"{Overall}/{RetrievalRecall}@", StringComparison.Ordinal);

    /// <summary>A float the way Python's str() writes it (0.5, 0.01, 1.0), so names match OML's.</summary>
    public static string PythonFloat(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') || text.Contains("Infinity") || text == "NaN" ? text : text + ".0";
    }
}
