using System.Diagnostics;
using System.Globalization;
using System.Text;
using Oml.Metrics;
using Oml.Postprocessing;
using Oml.Retrieval;
using static Oml.Benchmarks.BenchUtil;
using static TorchSharp.torch;

namespace Oml.Benchmarks;

/// <summary>
/// <c>validate-postprocess</c>: the metrics step of a validation with a postprocessor, before and after one retrieval
/// fed both the plain and the post-processed metrics. "Before" is the former path of <c>ValidatePipeline</c> (two
/// <c>EmbeddingMetrics.Compute</c> calls, without and with the postprocessor: two retrievals), "after" is
/// <c>EmbeddingMetrics.ComputeWithAndWithout</c>; the plain validation and the postprocessor alone (its
/// <c>Process</c> on a retrieval made beforehand) are measured for reference. All cases run in one process,
/// alternating in every repeat (the order rotates), on the same synthetic embeddings; the results of before and
/// after are compared value by value.
/// </summary>
internal static class ValidatePostprocessBenchmark
{
    private const string Title = "Validation with a postprocessor: one retrieval instead of two";
    private const int ImagesPerClass = 10;
    private const float Noise = 1.3f;
    private const ulong Seed = 20261201;
    private const double MaxQuietWaitSeconds = 60;

    private static readonly MetricArgs Args = new() { CmcTopK = [1, 5], PrecisionTopK = [5], MapTopK = [5], PcfVariance = [0.5] };

    private sealed record Scenario(string Name, string Description, int N, Func<Tensor, RetrievalSetup, IRetrievalPostprocessor> Create);

    private sealed record CaseTimes(string Case, string Title, List<double> Seconds, List<double> OtherCores);

    public static int Run(string[] args)
    {
        if (!BenchOptions.TryParse(args, ["--n", "--dim", "--top-n", "--threshold-n", "--repeats", "--threads"], ["--no-results-file"], out var options)) return 2;
        var n = options.Int("--n", 20_000);
        var dim = options.Int("--dim", 512);
        var topN = options.Int("--top-n", 10);
        var thresholdN = options.Int("--threshold-n", 5_000);
        var repeats = options.Int("--repeats", 5);
        var threads = options.Int("--threads", 2);
        var writeResults = !options.Has("--no-results-file");
        if (n % ImagesPerClass != 0 || thresholdN % ImagesPerClass != 0 || n < 100 || thresholdN < 0 || topN < 2 || repeats < 1)
        {
            Console.Error.WriteLine($"--n and --threshold-n must be multiples of {ImagesPerClass} (n at least 100; --threshold-n 0 skips that scenario), --top-n at least 2, --repeats at least 1");
            return 2;
        }

        set_num_threads(threads);
        var loadBefore = LoadAverage();
        var scenarios = new List<Scenario>
        {
            new("k_reciprocal", Inv($"`k_reciprocal` (top_n {topN}, k1 20, k2 6, lambda 0.3): re-ranks the first {topN} items with its own exact neighbour lists of every item"),
                n, (_, _) => new KReciprocalReranker(new ExactNeighbourSource(), topN: topN)),
        };
        if (thresholdN > 0)
        {
            scenarios.Add(new("constant_thresholding", "`constant_thresholding` (th = median distance to the nearest item): works on whole-gallery lists, so its retrieval keeps G items per query",
                thresholdN, (x, setup) => new ConstantThresholding(MedianNearest(x, setup))));
        }

        Warm(threads);
        var sections = new StringBuilder();
        foreach (var scenario in scenarios)
        {
            Console.Error.WriteLine(Inv($"{scenario.Name}: {scenario.N} x {dim}, {repeats} repeat(s)"));
            sections.Append(Measure(scenario, dim, repeats));
        }
        var loadAfter = LoadAverage();

        var report = new StringBuilder();
        report.AppendLine(Inv($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineDescription()}; load average before `{loadBefore}`, after `{loadAfter}`."));
        report.AppendLine();
        report.AppendLine(Inv($"Command: `dotnet run -c Release --project benchmarks/Oml.Benchmarks -- validate-postprocess{(args.Length > 0 ? " " + string.Join(' ', args) : "")}`"));
        report.AppendLine();
        report.AppendLine(Inv($"Data: N rows of D = {dim}, classes of {ImagesPerClass} (class centre ~ N(0, I) + N(0, {Noise}^2 I) noise, float32, seed {Seed}), every row a query and a gallery item (1 vs rest, its own row excluded). ") +
                          "metric_args: cmc_top_k [1, 5], precision_top_k [5], map_top_k [5], pcf_variance [0.5] (5 items per query for the plain metrics). " +
                          Inv($"{threads} threads. Each case is the metrics step of `oml validate` from embeddings in memory to both results; the cases alternate in every repeat (the order rotates), ") +
                          "each after a wait (at most 60 s) for other processes to use less than 0.25 cores; \"other load\" is the CPU the rest of the machine used meanwhile, in cores (near 1: the case ran on about half the machine).");
        report.AppendLine();
        report.Append(sections);
        ResultsFile.Publish(Title, report.ToString(), writeResults);
        return 0;
    }

    private static string Measure(Scenario scenario, int dim, int repeats)
    {
        using var scope = NewDisposeScope();
        var (embeddings, setup) = Data(scenario.N, dim);
        var postprocessor = scenario.Create(embeddings, setup);
        var inputs = new PostprocessingInputs(embeddings);
        var retrievedForPostprocessor = Math.Min(setup.GalleryRows.Length, Math.Max(5, postprocessor.TopN ?? int.MaxValue));
        var cases = new List<CaseTimes>
        {
            new("plain", "plain validation (`Compute` without postprocessor)", [], []),
            new("before", "**before**: `Compute` without + `Compute` with the postprocessor (two retrievals)", [], []),
            new("after", "**after**: `ComputeWithAndWithout` (one retrieval)", [], []),
            new("alone", Inv($"the postprocessor alone (`Process` on a retrieval of {retrievedForPostprocessor} items made beforehand)"), [], []),
        };
        var identical = true;
        for (var repeat = 0; repeat < repeats; repeat++)
        {
            (EmbeddingMetricsResult Plain, EmbeddingMetricsResult Postprocessed)? before = null, after = null;
            for (var c = 0; c < cases.Count; c++)
            {
                var current = cases[(c + repeat) % cases.Count];
                RetrievalResults? prepared = null;
                if (current.Case == "alone") prepared = EmbeddingRetrieval.Run(embeddings, setup, retrievedForPostprocessor, Args.Distance);
                GC.Collect();
                var waited = WaitForQuiet(MaxQuietWaitSeconds);
                var cpu = CpuSnapshot.Take();
                var watch = Stopwatch.StartNew();
                using (NewDisposeScope())
                {
                    switch (current.Case)
                    {
                        case "plain":
                            EmbeddingMetrics.Compute(embeddings, setup, Args);
                            break;
                        case "before":
                            before = (EmbeddingMetrics.Compute(embeddings, setup, Args), EmbeddingMetrics.Compute(embeddings, setup, Args, postprocessor: postprocessor));
                            break;
                        case "after":
                            var (plain, postprocessed) = EmbeddingMetrics.ComputeWithAndWithout(embeddings, setup, Args, postprocessor: postprocessor);
                            after = (plain, postprocessed!);
                            break;
                        default:
                            postprocessor.Process(prepared!, inputs);
                            break;
                    }
                }
                watch.Stop();
                var other = CpuSnapshot.Take().OtherCoresSince(cpu);
                current.Seconds.Add(watch.Elapsed.TotalSeconds);
                current.OtherCores.Add(other);
                Console.Error.WriteLine(Inv($"  [{repeat + 1}/{repeats}] {current.Case}: {watch.Elapsed.TotalSeconds:F2} s (other load {other:F2} cores; waited {waited:F0} s)"));
            }
            identical &= Same(before!.Value.Plain, after!.Value.Plain) && Same(before.Value.Postprocessed, after.Value.Postprocessed);
        }

        var medians = cases.ToDictionary(c => c.Case, c => Median(c.Seconds));
        var text = new StringBuilder();
        text.AppendLine(Inv($"### {scenario.Name}, N = {scenario.N}"));
        text.AppendLine();
        text.AppendLine(Inv($"{scenario.Description}; {repeats} repeat(s)."));
        text.AppendLine();
        text.AppendLine("| case | median s | min s | max s | other load (cores, median) |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var c in cases)
        {
            text.AppendLine(Inv($"| {c.Title} | {Median(c.Seconds):F2} | {c.Seconds.Min():F2} | {c.Seconds.Max():F2} | {Median(c.OtherCores):F2} |"));
        }
        text.AppendLine();
        var minimums = cases.ToDictionary(c => c.Case, c => c.Seconds.Min());
        text.AppendLine(Inv($"**after / before = {medians["after"] / medians["before"]:F2}** by medians ({medians["after"]:F2} s instead of {medians["before"]:F2} s), ") +
                        Inv($"{minimums["after"] / minimums["before"]:F2} by minimums (the least disturbed runs: {minimums["after"]:F2} s instead of {minimums["before"]:F2} s). ") +
                        Inv($"after - plain = {medians["after"] - medians["plain"]:F2} s (minimums: {minimums["after"] - minimums["plain"]:F2} s) against {medians["alone"]:F2} s for the postprocessor alone; ") +
                        Inv($"before - plain = {medians["before"] - medians["plain"]:F2} s (minimums: {minimums["before"] - minimums["plain"]:F2} s). ") +
                        $"Metrics, per-query values and retrieved lists of before and after: **{(identical ? "identical" : "DIFFERENT")}** in every repeat.");
        text.AppendLine();
        return text.ToString();
    }

    /// <summary>Runs every path once on a small set, so the JIT and the allocator are warm before the timed cases.</summary>
    private static void Warm(int threads)
    {
        using var scope = NewDisposeScope();
        var (x, setup) = Data(1000, 32);
        var postprocessor = new KReciprocalReranker(new ExactNeighbourSource(), topN: 10);
        EmbeddingMetrics.ComputeWithAndWithout(x, setup, Args, postprocessor: postprocessor);
        EmbeddingMetrics.Compute(x, setup, Args, postprocessor: new ConstantThresholding(MedianNearest(x, setup)));
        Console.Error.WriteLine($"warmed up ({threads} threads)");
    }

    private static float MedianNearest(Tensor x, RetrievalSetup setup)
    {
        var nearest = EmbeddingRetrieval.Run(x, setup, 1).Distances.Select(d => d[0]).Order().ToArray();
        return nearest[nearest.Length / 2];
    }

    private static (Tensor Embeddings, RetrievalSetup Setup) Data(int n, int dim)
    {
        var generator = new Generator(Seed);
        var centres = randn([n / ImagesPerClass, dim], generator: generator);
        var labels = arange(n, ScalarType.Int64).div(ImagesPerClass, rounding_mode: RoundingMode.floor);
        var embeddings = (centres.index_select(0, labels) + Noise * randn([n, dim], generator: generator)).contiguous();
        var all = Enumerable.Repeat(true, n).ToArray();
        return (embeddings, new RetrievalSetup(labels.data<long>().ToArray(), all, all));
    }

    private static bool Same(EmbeddingMetricsResult a, EmbeddingMetricsResult b) =>
        a.AllMetrics.SequenceEqual(b.AllMetrics) &&
        a.PerQuery.Keys.SequenceEqual(b.PerQuery.Keys) && a.PerQuery.All(p => p.Value.SequenceEqual(b.PerQuery[p.Key])) &&
        a.Retrieval.Retrieved.Count == b.Retrieval.Retrieved.Count &&
        Enumerable.Range(0, a.Retrieval.QueryCount).All(q =>
            a.Retrieval.Retrieved[q].AsSpan().SequenceEqual(b.Retrieval.Retrieved[q]) && a.Retrieval.Distances[q].AsSpan().SequenceEqual(b.Retrieval.Distances[q]));
}
