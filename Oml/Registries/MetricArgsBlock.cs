using Oml.Metrics;
using Oml.Retrieval;

namespace Oml.Registries;

/// <summary>The <c>metric_args</c> block of a pipeline config, read into <see cref="MetricArgs"/>.</summary>
public static class MetricArgsBlock
{
    /// <summary>Reads a <c>metric_args</c> mapping; unknown keys and bad values name their config path.</summary>
    /// <summary>The <c>metric_args</c> key of a pipeline config (<paramref name="root"/>); absent means OML's defaults.</summary>
    public static MetricArgs Read(BlockArgs root) =>
        Parse(new BlockArgs(root.GetRaw("metric_args") as IReadOnlyDictionary<string, object?>, "metric_args"));

    public static MetricArgs Parse(BlockArgs args)
    {
        var defaults = MetricArgs.Default;
        var result = new MetricArgs
        {
            CmcTopK = TopK(args, "cmc_top_k", defaults.CmcTopK),
            PrecisionTopK = TopK(args, "precision_top_k", defaults.PrecisionTopK),
            MapTopK = TopK(args, "map_top_k", defaults.MapTopK),
            FmrValues = Fractions(args, "fmr_vals", defaults.FmrValues, allowEmpty: true),
            PcfVariance = Fractions(args, "pcf_variance", defaults.PcfVariance, allowEmpty: true),
            MapAtR = args.GetBool("map_at_r", false),
            RPrecision = args.GetBool("r_precision", false),
            Distance = DistanceKinds.Parse(args.GetString("distance", "euclidean"), $"{args.Path}.distance"),
            NoGroundTruth = args.GetString("no_ground_truth", "exclude") switch
            {
                "exclude" => NoGroundTruthPolicy.Exclude,
                "zero" => NoGroundTruthPolicy.Zero,
                var other => throw new OmlException($"{args.Path}.no_ground_truth = '{other}' is not valid: expected exclude or zero"),
            },
            ReturnOnlyOverallCategory = args.GetBool("return_only_overall_category", false),
            VisualizeOnlyOverallCategory = args.GetBool("visualize_only_overall_category", true),
            MetricsToExcludeFromVisualization = StringList(args, "metrics_to_exclude_from_visualization"),
        };
        args.GetRaw("verbose"); // OML's printing switch: accepted, the front ends decide what to print
        args.EnsureAllKeysUsed("metric_args");
        return result;
    }

    private static IReadOnlyList<int> TopK(BlockArgs args, string key, IReadOnlyList<int> defaultValue)
    {
        var values = args.GetIntList(key, defaultValue);
        if (values.Count == 0 && args.Has(key)) return values; // an empty list switches the metric off, as in OML
        if (values.Any(v => v < 1))
        {
            throw new OmlException($"{args.Path}.{key} = [{string.Join(", ", values)}] is not valid: expected positive integers");
        }
        return values;
    }

    private static IReadOnlyList<double> Fractions(BlockArgs args, string key, IReadOnlyList<double> defaultValue, bool allowEmpty)
    {
        var values = args.GetDoubleList(key, defaultValue);
        if ((!allowEmpty && values.Count == 0) || values.Any(v => v is < 0 or > 1 || double.IsNaN(v)))
        {
            throw new OmlException($"{args.Path}.{key} = [{string.Join(", ", values)}] is not valid: expected fractions in [0, 1] (0.01, not 1%)");
        }
        return values;
    }

    private static IReadOnlyList<string> StringList(BlockArgs args, string key)
    {
        var raw = args.GetRaw(key);
        return raw switch
        {
            null => [],
            string s => [s],
            System.Collections.IEnumerable list => list.Cast<object?>().Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray(),
            _ => throw new OmlException($"{args.Path}.{key} is not valid: expected a list of metric names such as [cmc, map]"),
        };
    }
}
