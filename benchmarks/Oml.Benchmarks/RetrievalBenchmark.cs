using System.Globalization;
using System.Text;
using Oml.Retrieval;
using static Oml.Benchmarks.BenchUtil;
using static TorchSharp.torch;

namespace Oml.Benchmarks;

/// <summary>
/// <c>retrieval</c>: validation-time retrieval and metrics on N synthetic embeddings where every row is both query and
/// gallery (OML's "1 vs rest" protocol). The driver generates the data once (fixed seed), writes it to a temporary
/// folder (.npy + .csv), and runs every case in its own process, C# and Python alternating within each repeat:
/// the matrix-product floor, C# retrieval alone, C# retrieval + metrics, and the Python reference
/// (benchmarks/python/oml_reference_validation.py on Debian's PyTorch with OpenBLAS).
/// </summary>
internal static class RetrievalBenchmark
{
    private const string Title = "Retrieval and metrics (1 vs rest)";
    private const int ImagesPerClass = 10;
    private const float Noise = 1.3f;
    private const ulong Seed = 20261129;
    private static readonly string[] ReferencePackages = ["python3-torch", "python3-numpy", "libopenblas0-pthread"];
    private const double MaxQuietWaitSeconds = 60;
    private static readonly string[] DefaultCases = ["metrics", "python", "fmr"];
    private static readonly Dictionary<string, string> CaseTitles = new()
    {
        ["knn"] = "C# `ExactKnn.Search` alone",
        ["knn-warm"] = "C# `ExactKnn.Search` alone, after a 4096-row search in the same process (no first-call costs)",
        ["pcf"] = "C# `PcfFunctions.Pcf` alone (pcf@0.5 of all rows)",
        ["retrieval"] = "C# `EmbeddingRetrieval.Run` (kNN + ground truth)",
        ["metrics"] = "**C# `EmbeddingMetrics.Compute`** (retrieval + all metrics)",
        ["fmr"] = "C# `EmbeddingMetrics.Compute` + fnmr@fmr 0.01, 0.1 (streaming)",
        ["python"] = "**Python OML-style reference** (cdist 5000-query chunks + topk + per-query loops)",
    };

    private sealed record CaseResult(
        string Case,
        double Seconds,
        double RssAfterEmbeddingsMb,
        double PeakRssMb,
        Dictionary<string, double> Metrics,
        Dictionary<string, double> Extra,
        Dictionary<string, string>? Info)
    {
        public double BeyondEmbeddingsMb => PeakRssMb - RssAfterEmbeddingsMb;
    }

    public static int Run(string[] args)
    {
        if (!BenchOptions.TryParse(args, ["--n", "--dim", "--k", "--repeats", "--threads", "--cases"], ["--no-python", "--no-results-file"], out var options)) return 2;
        var n = options.Int("--n", 100_000);
        var dim = options.Int("--dim", 128);
        var k = options.Int("--k", 10);
        var repeats = options.Int("--repeats", 1);
        var threads = options.Int("--threads", 2);
        var python = !options.Has("--no-python");
        var writeResults = !options.Has("--no-results-file");
        var caseList = options.List("--cases", DefaultCases);
        if (n % ImagesPerClass != 0 || n < KnnOptions.Default.GalleryChunk)
        {
            Console.Error.WriteLine($"--n must be a multiple of {ImagesPerClass} and at least {KnnOptions.Default.GalleryChunk} (one gallery chunk, for the floor)");
            return 2;
        }

        var root = FindRepositoryRoot();
        var reference = python ? EnsureReference() : null;
        var loadBefore = LoadAverage();
        var folder = Directory.CreateTempSubdirectory("oml-retrieval-bench-");
        try
        {
            WriteData(folder.FullName, n, dim);
            Console.WriteLine($"{n} x {dim} float32 embeddings ({n / ImagesPerClass} classes x {ImagesPerClass}) in {folder.FullName}");

            var cases = new List<string> { "floor" };
            foreach (var name in caseList)
            {
                if (name == "python" && !python) continue;
                cases.Add(name);
            }
            cases.Add("floor"); // once more at the end: the best of both is the floor, so load at either end does not flatter the ratios
            var results = cases.Distinct().ToDictionary(c => c, _ => new List<CaseResult>());
            for (var repeat = 0; repeat < repeats; repeat++)
            {
                foreach (var name in cases)
                {
                    var waited = WaitForQuiet(MaxQuietWaitSeconds);
                    Console.Error.WriteLine(Inv($"[{repeat + 1}/{repeats}] {name} (waited {waited:F0} s for a quiet machine) ..."));
                    var result = name == "python"
                        ? RunChild(Python, [Path.Combine(root, "benchmarks", "python", "oml_reference_validation.py"), "--data", folder.FullName, "--k", Str(k), "--threads", Str(threads)], threads)
                        : RunChild(SelfPath(), [.. SelfArgs(), "retrieval-worker", "--case", name, "--data", folder.FullName, "--k", Str(k), "--threads", Str(threads)], threads);
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    {result.Seconds:F2} s, RSS after embeddings {result.RssAfterEmbeddingsMb:F0} MB, peak {result.PeakRssMb:F0} MB, {string.Join(", ", result.Extra.Select(p => $"{p.Key}={p.Value:G4}"))}"));
                    results[name].Add(result);
                }
            }
            var loadAfter = LoadAverage();
            var report = Report(results, cases, n, dim, k, repeats, threads, reference, loadBefore, loadAfter);
            // one section per size: the default size keeps the section's historical name
            ResultsFile.Publish(n == 100_000 ? Title : Inv($"{Title}, Q = G = {n}"), report, writeResults);
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Random class centres N(0, I) plus N(0, Noise^2 I) per image; row i has label i / ImagesPerClass.</summary>
    private static void WriteData(string folder, int n, int dim)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(Seed);
        var centres = randn([n / ImagesPerClass, dim], generator: generator);
        var labels = arange(n, ScalarType.Int64).div(ImagesPerClass, rounding_mode: RoundingMode.floor);
        var embeddings = centres.index_select(0, labels) + Noise * randn([n, dim], generator: generator);
        Oml.IO.NpyFile.WriteMatrix(Path.Combine(folder, "embeddings.npy"), new Oml.IO.NpyArray(embeddings.data<float>().ToArray(), n, dim));
        var csv = new StringBuilder("label,is_query,is_gallery\n");
        for (var i = 0; i < n; i++) csv.Append(i / ImagesPerClass).Append(",True,True\n");
        File.WriteAllText(Path.Combine(folder, "labels.csv"), csv.ToString());
    }

    private static CaseResult RunChild(string file, IEnumerable<string> arguments, int threads) =>
        BenchUtil.RunChild<CaseResult>(file, arguments, environment =>
        {
            environment["OMP_NUM_THREADS"] = Str(threads);
            environment["OPENBLAS_NUM_THREADS"] = Str(threads);
        });

    /// <summary>Makes sure Debian's torch and numpy are installed and that libblas.so.3 is OpenBLAS (docs/native-runtime.md §5).</summary>
    private static string EnsureReference() => EnsureDebianPython(ReferencePackages, "--no-python");

    private static string Report(Dictionary<string, List<CaseResult>> results, List<string> cases, int n, int dim, int k, int repeats, int threads,
        string? reference, string loadBefore, string loadAfter)
    {
        var flops = 2.0 * n * n * dim;
        var floorRuns = results["floor"];
        var gflops = floorRuns.Max(r => r.Extra["gflops_best"]);
        var floorSeconds = flops / (gflops * 1e9);
        var bestFloor = floorRuns.MaxBy(r => r.Extra["gflops_best"])!;
        // the fastest of the floor walks (the conservative choice); the ratios against each repeat's own floor are
        // printed too
        var floorsPerRepeat = floorRuns.Count / repeats;
        double RepeatFloorSeconds(int repeat) =>
            flops / (floorRuns.Skip(repeat * floorsPerRepeat).Take(floorsPerRepeat).Max(r => r.Extra["gflops_best"]) * 1e9);
        double Ratio(List<CaseResult> runs) => Median(Quiet(runs).Select(r => r.Seconds)) / floorSeconds;
        string PerRepeatRatios(List<CaseResult> runs) => string.Join(", ", runs.Select((r, i) => Inv($"{r.Seconds / RepeatFloorSeconds(i):F2}")));
        var sb = new StringBuilder();
        sb.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineDescription()}; load average before `{loadBefore}`, after `{loadAfter}`.");
        sb.AppendLine();
        sb.AppendLine("Command: `dotnet run -c Release --project benchmarks/Oml.Benchmarks -- retrieval" + (n != 100_000 || dim != 128 || k != 10 ? $" --n {n} --dim {dim} --k {k}" : "") + (repeats != 1 ? $" --repeats {repeats}" : "") + (reference is null ? " --no-python" : "") + "`");
        sb.AppendLine();
        sb.AppendLine(Inv($"Data: Q = G = {n} (every row is a query and a gallery item, its own row excluded), D = {dim}, {n / ImagesPerClass} classes x {ImagesPerClass} images (SOP-like); ") +
                      Inv($"embeddings = class centre ~ N(0, I) + N(0, {Noise}^2 I) noise, float32, seed {Seed}, written once to a temporary .npy + .csv that both sides read. ") +
                      Inv($"k = {k}: metric_args cmc_top_k [1, 5, {k}], precision_top_k [5], map_top_k [5], pcf_variance [0.5] (so OML's n_items = max(top_k) = {k} items are retrieved per query), and fmr_vals [0.01, 0.1] in the fnmr case. {threads} threads on both sides (TorchSharp `set_num_threads`, `torch.set_num_threads`, OMP/OPENBLAS_NUM_THREADS). ") +
                      Inv($"Before each case the driver waits (at most {MaxQuietWaitSeconds:F0} s) until other processes use less than {QuietCores} cores over 2 s. ") +
                      $"Every case runs in its own process, in the order {string.Join(", ", cases)} within each of {repeats} repeat(s); " +
                      (repeats > 1 ? Inv($"the table gives medians over the runs during which other processes took less than {QuietCores} cores (a run overlapped by other work is left out and listed in the last column; all runs count if none was quiet). ") : "one run each, so single measurements. ") +
                      "Wall time counts from embeddings in memory to the metric values (kNN, ground truth, metrics). " +
                      "Peak memory beyond the embeddings = peak RSS of the process (VmHWM; Python: getrusage maxrss) minus its RSS right after loading the embeddings (the embeddings themselves are " +
                      Inv($"{(double)n * dim * 4 / 1048576:F0} MB)."));
        sb.AppendLine();
        sb.AppendLine(Inv($"Floor: 2·Q·G·D = {flops / 1e12:F2} TFLOP, the matrix products of the search and nothing else, measured in the same run: TorchSharp `addmm_` of every {KnnOptions.Default.QueryChunk} x {dim} query block with every transposed {KnnOptions.Default.GalleryChunk} x {dim} gallery block (the engine's chunk shape and walk) into a pre-touched {KnnOptions.Default.QueryChunk} x {KnnOptions.Default.GalleryChunk} buffer, timed over the whole walk, ") +
                      Inv($"over {floorRuns.Count} walks (first and last case of every repeat: {string.Join(" and ", floorRuns.Select(r => Inv($"{r.Extra["gflops_best"]:F1}")))} GFLOP/s): ") +
                      Inv($"the fastest, {gflops:F1} GFLOP/s, so the floor is {floorSeconds:F2} s. ") +
                      "\"Ratio to floor\" = median wall time / this floor. The floor is timed over as much work as the search: bursts of a second of products ran at 95-190 GFLOP/s on this VM " +
                      "(other virtual machines on the host; no steal time is reported) while the long cases did not follow them.");
        sb.AppendLine();
        sb.AppendLine("| case | wall s | ratio to floor | peak MB beyond embeddings | RSS after embeddings MB | peak RSS MB | GFLOP/s equivalent | CPU s (own) | other load (cores) |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        sb.AppendLine(Inv($"| matrix-product floor (TorchSharp addmm_, {gflops:F0} GFLOP/s) | {floorSeconds:F2} | 1.00 | - | - | - | {gflops:F0} | {floorSeconds * bestFloor.Extra["cpu_s"] / bestFloor.Seconds:F1} | {bestFloor.Extra["other_cores"]:F2} |"));
        void Row(string name, List<CaseResult> allRuns)
        {
            var runs = Quiet(allRuns);
            var dropped = allRuns.Count - runs.Count;
            var seconds = Median(runs.Select(r => r.Seconds));
            var spread = runs.Count > 1 ? Inv($" ({runs.Min(r => r.Seconds):F1}-{runs.Max(r => r.Seconds):F1})") : "";
            sb.AppendLine(Inv($"| {name} | {seconds:F2}{spread} | {Ratio(runs):F2} | {allRuns.Max(r => r.BeyondEmbeddingsMb):F0} | {Median(allRuns.Select(r => r.RssAfterEmbeddingsMb)):F0} | {allRuns.Max(r => r.PeakRssMb):F0} | {flops / seconds / 1e9:F0} | {Median(runs.Select(r => r.Extra["cpu_s"])):F1} | {Median(runs.Select(r => r.Extra["other_cores"])):F2}{(dropped > 0 ? $" ({dropped} of {allRuns.Count} runs left out: {string.Join(", ", allRuns.Except(runs).Select(r => Inv($"{r.Seconds:F1} s at {r.Extra["other_cores"]:F2}")))})" : "")} |"));
        }
        foreach (var (name, runs) in results)
        {
            if (name != "floor") Row(CaseTitles.GetValueOrDefault(name, name), runs);
        }
        results.TryGetValue("python", out var py);
        sb.AppendLine();
        if (results.TryGetValue("metrics", out var main))
        {
            var ratio = Ratio(main);
            var beyond = main.Max(r => r.BeyondEmbeddingsMb);
            sb.AppendLine(Inv($"Goals for `EmbeddingMetrics.Compute`: within 1.5x of the floor: **{(ratio <= 1.5 ? "met" : "missed")}** ({ratio:F2}x; per repeat against that repeat's own best floor: {PerRepeatRatios(main)}); ") +
                          Inv($"under 1 GB beyond the embeddings: **{(beyond < 1024 ? "met" : "missed")}** ({beyond:F0} MB)") +
                          (results.TryGetValue("fmr", out var fmr) ? Inv($"; with fnmr@fmr: {Ratio(fmr):F2}x, {fmr.Max(r => r.BeyondEmbeddingsMb):F0} MB.") : "."));
            sb.AppendLine();
        }
        if (results.ContainsKey("fmr"))
        {
            var fullBytes = (double)n * n * 12;
            var memoryBytes = double.Parse(File.ReadLines("/proc/meminfo").First().Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            sb.AppendLine(Inv($"fnmr@fmr has no Python row: OML computes it from the full retrieval (n_items = G), i.e. a Q x G distance matrix ({(double)n * n * 4 / 1e9:F0} GB float32) plus its topk ids ({(double)n * n * 8 / 1e9:F0} GB int64), {(fullBytes > memoryBytes ? Inv($"which does not fit this machine's {memoryBytes / 1e9:F0} GB") : "not done here")}; the C# case computes the same exact value streaming (docs/oml-metrics.md §5)."));
            sb.AppendLine();
        }
        if (py is not null && results.ContainsKey("metrics"))
        {
            var ours = Median(Quiet(results["metrics"]).Select(r => r.Seconds));
            var theirs = Median(Quiet(py).Select(r => r.Seconds));
            sb.AppendLine(Inv($"**C# / Python = {ours / theirs:F2}** (C# {ours:F1} s, Python {theirs:F1} s: the Python reference takes {theirs / ours:F1}x as long). ") +
                          Inv($"Python breakdown: kNN {Median(py.Select(r => r.Extra["knn_s"])):F1} s, checks + metrics + PCF {Median(py.Select(r => r.Extra["metrics_s"])):F1} s; ") +
                          Inv($"its own addmm_ rate at the same shape: {Median(py.Select(r => r.Extra["gflops_best"])):F0} GFLOP/s. "));
            sb.AppendLine();
            var info = py[0].Info ?? [];
            sb.AppendLine($"Reference environment: {reference}; PyTorch {info.GetValueOrDefault("torch")}, numpy {info.GetValueOrDefault("numpy")}, " +
                          $"BLAS libraries mapped in the Python process: `{info.GetValueOrDefault("blas_libraries")}`; OPENBLAS_CORETYPE " +
                          (string.IsNullOrEmpty(info.GetValueOrDefault("OPENBLAS_CORETYPE")) ? "not set" : $"= {info["OPENBLAS_CORETYPE"]}") + ".");
            sb.AppendLine();
        }
        var withMetrics = results.Where(p => p.Value[0].Metrics.Count > 0).ToArray();
        if (withMetrics.Length > 0)
        {
            var metricNames = withMetrics.SelectMany(p => p.Value[0].Metrics.Keys).Distinct().ToArray();
            sb.AppendLine("Metric values (first repeat), as a check that every case computed the same thing:");
            sb.AppendLine();
            sb.AppendLine("| metric | " + string.Join(" | ", withMetrics.Select(p => p.Key)) + " |");
            sb.AppendLine("|---|" + string.Concat(withMetrics.Select(_ => "---|")));
            foreach (var name in metricNames)
            {
                sb.AppendLine($"| {name} | " + string.Join(" | ", withMetrics.Select(p => p.Value[0].Metrics.TryGetValue(name, out var v) ? Inv($"{v:F6}") : "-")) + " |");
            }
        }
        return sb.ToString();
    }

    /// <summary>The runs during which other processes took less than <see cref="QuietCores"/> cores (all runs if none did).</summary>
    private static List<CaseResult> Quiet(List<CaseResult> runs)
    {
        var quiet = runs.Where(r => r.Extra["other_cores"] < QuietCores).ToList();
        return quiet.Count > 0 ? quiet : runs;
    }
}
