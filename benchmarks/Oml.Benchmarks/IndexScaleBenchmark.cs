using System.Globalization;
using System.Text;
using Oml.Retrieval;
using static Oml.Benchmarks.BenchUtil;

namespace Oml.Benchmarks;

/// <summary>
/// <c>index-scale</c>: exact search against an HNSW index (USearch) on a million-item gallery. Every case runs in
/// its own process (<see cref="IndexScaleWorker"/>), which makes the same seeded data: (a) the exact batch search of
/// Q held-out queries against G gallery items, against the matrix products of its walk alone and with its peak memory;
/// (b) single-query latency, exact against the index; (c) the index's build time and memory, and its recall@k,
/// batch time and latency at several expansion_search values. The built index is cached between runs (keyed by
/// everything that shapes it), so only the first run pays for the build.
/// </summary>
internal static class IndexScaleBenchmark
{
    private const string Title = "Approximate retrieval at scale (index-scale)";

    /// <summary>One RESULTS.md section per data set: the default isotropic noise, and each other noise on its own.</summary>
    private static string SectionTitle(float noise) =>
        noise == IndexScaleData.DefaultNoise ? Title : Inv($"{Title}, noise {noise}");
    private const double DefaultMaxWaitSeconds = 60;
    private const double RecallGoal = 0.95;
    private const double SpeedupGoal = 10;

    private static readonly string[] Valued = ["--gallery", "--queries", "--dim", "--k", "--threads", "--latency-queries", "--exact-latency-queries",
        "--expansion-search", "--connectivity", "--expansion-add", "--quantization", "--cache-dir", "--noise", "--max-wait"];

    public static int Run(string[] args)
    {
        if (!BenchOptions.TryParse(args, Valued, ["--no-cache", "--no-results-file"], out var options)) return 2;
        var gallery = options.Int("--gallery", 1_000_000);
        var queries = options.Int("--queries", 10_000);
        var dim = options.Int("--dim", 128);
        var k = options.Int("--k", 10);
        if (gallery % IndexScaleData.ImagesPerClass != 0 || gallery < 1000 || queries < 1 || k < 1 || (long)gallery * dim * sizeof(float) > int.MaxValue)
        {
            Console.Error.WriteLine($"--gallery must be a multiple of {IndexScaleData.ImagesPerClass}, at least 1000, and gallery x dim x 4 bytes under 2 GiB; --queries and --k at least 1");
            return 2;
        }
        var maxWait = options.Int("--max-wait", (int)DefaultMaxWaitSeconds);
        var loadBefore = LoadAverage();
        var work = Directory.CreateTempSubdirectory("oml-index-scale-");
        try
        {
            var passed = WorkerArguments(args);
            var results = new Dictionary<string, IndexScaleResult>();
            foreach (var name in new[] { "floor", "exact", "exact-latency", "index" })
            {
                var waited = WaitForQuiet(maxWait);
                Console.Error.WriteLine(Inv($"{name} (waited {waited:F0} s for a quiet machine) ..."));
                var result = RunChild<IndexScaleResult>(SelfPath(), [.. SelfArgs(), "index-scale-worker", "--case", name, "--work", work.FullName, .. passed], environment =>
                {
                    environment["OMP_NUM_THREADS"] = Str(options.Int("--threads", 2));
                });
                Console.Error.WriteLine(Inv($"    {result.Seconds:F2} s, peak {result.PeakRssMb:F0} MB ({result.BeyondDataMb:F0} beyond the data)"));
                results[name] = result;
            }
            var report = Report(results, options, gallery, queries, dim, k, args, maxWait, loadBefore, LoadAverage());
            ResultsFile.Publish(SectionTitle(IndexScaleWorker.NoiseOption(options)), report, !options.Has("--no-results-file"));
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The driver's options that the workers take too (all but the report's and the wait's).</summary>
    private static List<string> WorkerArguments(string[] args)
    {
        var passed = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--no-results-file") continue;
            if (args[i] is "--max-wait") { i++; continue; }
            passed.Add(args[i]);
        }
        return passed;
    }

    private static string Report(Dictionary<string, IndexScaleResult> results, BenchOptions options, int gallery, int queries, int dim, int k, string[] args,
        double maxWait, string loadBefore, string loadAfter)
    {
        var (floor, exact, latency, index) = (results["floor"], results["exact"], results["exact-latency"], results["index"]);
        var dataMb = (double)(gallery + queries) * dim * 4 / 1048576;
        var threads = options.Int("--threads", 2);
        var sb = new StringBuilder();
        sb.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineDescription()}, USearch {HnswIndex.LibraryVersion}; load average before `{loadBefore}`, after `{loadAfter}`.");
        sb.AppendLine();
        sb.AppendLine("Command: `dotnet run -c Release --project benchmarks/Oml.Benchmarks -- index-scale" + (args.Length > 0 ? " " + string.Join(' ', args) : "") + "`");
        sb.AppendLine();
        sb.AppendLine(Inv($"Data: G = {gallery:N0} gallery embeddings ({gallery / IndexScaleData.ImagesPerClass:N0} classes x {IndexScaleData.ImagesPerClass}, SOP-like), Q = {queries:N0} held-out queries ") +
                      Inv($"(new items of the same classes), D = {dim}, class centre ~ N(0, I) + N(0, {IndexScaleWorker.NoiseOption(options)}^2 I), float32, seed {IndexScaleData.Seed}, made in every process ({dataMb:F0} MB); ") +
                      Inv($"Euclidean distance, k = {k}, {threads} threads. Each case runs in its own process after waiting (at most {maxWait:F0} s) for other processes to use under {QuietCores} cores; ") +
                      "one run each, so single measurements. Peak memory beyond the data = peak RSS (VmHWM, reset after the data was made) minus the RSS then.");
        sb.AppendLine();
        sb.AppendLine(Inv($"**(a) Exact batch search** (`ExactKnn.Search`, Q x G):"));
        sb.AppendLine();
        sb.AppendLine("| | wall s | ratio to products alone | peak MB beyond data | other load (cores) |");
        sb.AppendLine("|---|---|---|---|---|");
        sb.AppendLine(Inv($"| matrix products of the walk alone (addmm_, {KnnOptions.Default.QueryChunk} x {KnnOptions.Default.GalleryChunk} blocks; {2.0 * queries * gallery * dim / floor.Seconds / 1e9:F0} GFLOP/s) | {floor.Seconds:F2} | 1.00 | {floor.BeyondDataMb:F0} | {floor.Extra["other_cores"]:F2} |"));
        sb.AppendLine(Inv($"| exact search | {exact.Seconds:F2} | {exact.Seconds / floor.Seconds:F2} | {exact.BeyondDataMb:F0} | {exact.Extra["other_cores"]:F2} |"));
        sb.AppendLine();
        var exactP50 = latency.Extra["p50_ms"];
        sb.AppendLine(Inv($"**(b, c) One query at a time** (a service's view: each query searched and timed alone, {latency.Extra["queries"]:F0} queries for exact, ") +
                      Inv($"{Math.Min(options.Int("--latency-queries", 1000), queries)} for the index, after warm-up) and **the index** (batch: all Q queries, {threads} at a time):"));
        sb.AppendLine();
        sb.AppendLine("| search | recall@" + k + " | p50 ms | p99 ms | mean ms | p50 speed-up over exact | batch s (queries/s) |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        sb.AppendLine(Inv($"| exact (`ExactKnn.Search` with one query against the gallery prepared once, `ExactKnn.PrepareGallery`) | 1 | {exactP50:F2} | {latency.Extra["p99_ms"]:F2} | {latency.Extra["mean_ms"]:F2} | 1 | {exact.Seconds:F2} ({queries / exact.Seconds:F0}) |"));
        sb.AppendLine(Inv($"| exact, matrix products alone (the most an exact scan could save) | 1 | {latency.Extra["products_p50_ms"]:F2} | {latency.Extra["products_p99_ms"]:F2} | - | {exactP50 / latency.Extra["products_p50_ms"]:F1} | - |"));
        foreach (var row in index.Rows!)
        {
            sb.AppendLine(Inv($"| index, expansion_search {row.ExpansionSearch} | {row.Recall:F4} | {row.P50Ms:F3} | {row.P99Ms:F3} | {row.MeanMs:F3} | {exactP50 / row.P50Ms:F0} | {row.BatchSeconds:F2} ({queries / row.BatchSeconds:F0}) |"));
        }
        sb.AppendLine();
        var settings = Inv($"connectivity {options.Int("--connectivity", HnswSettings.Default.Connectivity)}, expansion_add {options.Int("--expansion-add", HnswSettings.Default.ExpansionAdd)}, quantization {options.Text("--quantization", "f32")}");
        sb.AppendLine(Inv($"Index ({settings}): build {index.Extra["build_s"]:F0} s on one thread ({index.Info!["cache"]}); ") +
                      Inv($"USearch's own count {index.Extra["usearch_mb"]:F0} MiB, RSS growth {index.Extra["build_rss_growth_mb"]:F0} MB while building ({index.Extra["loaded_rss_growth_mb"]:F0} MB for this run's load or build), ") +
                      Inv($"file {index.Extra["file_mb"]:F0} MiB; the index holds its own copy of the vectors, next to the {(double)gallery * dim * 4 / 1048576:F0} MB of gallery embeddings."));
        sb.AppendLine();
        var meeting = index.Rows!.Where(r => r.Recall >= RecallGoal).OrderBy(r => r.P50Ms).FirstOrDefault();
        sb.AppendLine(meeting is null
            ? Inv($"Goal, >= {SpeedupGoal:F0}x lower single-query latency than exact at recall@{k} >= {RecallGoal}: **missed** (no expansion_search reached recall {RecallGoal}).")
            : Inv($"Goal, >= {SpeedupGoal:F0}x lower single-query latency than exact at recall@{k} >= {RecallGoal}: **{(exactP50 / meeting.P50Ms >= SpeedupGoal ? "met" : "missed")}** ") +
              Inv($"(expansion_search {meeting.ExpansionSearch}: recall {meeting.Recall:F4}, p50 {meeting.P50Ms:F3} ms against {exactP50:F2} ms, {exactP50 / meeting.P50Ms:F0}x; p99 {meeting.P99Ms:F3} ms against {latency.Extra["p99_ms"]:F2} ms)."));
        return sb.ToString();
    }
}
