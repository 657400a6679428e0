using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Oml.Metrics;
using Oml.Retrieval;
using static TorchSharp.torch;

namespace Oml.Benchmarks;

/// <summary>
/// <c>retrieval-worker</c>: one case of the retrieval benchmark in a fresh process, so that its peak memory is its own.
/// Loads the embeddings (.npy) and labels (.csv) the driver wrote, records the RSS, runs the case once, and prints
/// one <c>RESULT {json}</c> line: wall seconds, RSS after the embeddings, peak RSS (VmHWM), metric values.
/// </summary>
internal static class RetrievalWorker
{
    // The chunk shape of the engine (KnnOptions defaults); the floor multiplies blocks of exactly this shape.
    private static readonly int QueryChunk = KnnOptions.Default.QueryChunk;
    private static readonly int GalleryChunk = KnnOptions.Default.GalleryChunk;

    public static int Run(string[] args)
    {
        if (!BenchOptions.TryParse(args, ["--case", "--data", "--k", "--threads"], [], out var options)) return 2;
        var caseName = options.Text("--case");
        var data = options.Text("--data");
        var k = options.Int("--k", 10);
        var threads = options.Int("--threads", 2);
        if (caseName is null || data is null) { Console.Error.WriteLine("retrieval-worker needs --case and --data"); return 2; }

        set_num_threads(threads);
        var array = Oml.IO.NpyFile.ReadMatrix(Path.Combine(data, "embeddings.npy"));
        var embeddings = tensor(array.Data, [array.Rows, array.Columns]);
        array = null;
        var (labels, isQuery, isGallery) = ReadLabels(Path.Combine(data, "labels.csv"));
        var setup = new RetrievalSetup(labels, isQuery, isGallery);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var rssAfterEmbeddings = ProcessMemory.RssMb();

        var metrics = new Dictionary<string, double>();
        var extra = new Dictionary<string, double>();
        if (caseName == "knn-warm")
        {
            // the process's first search pays for compiling the scan, starting LibTorch's thread team and the matrix
            // product's set-up; a small search first leaves only the work that grows with Q x G in the timed one
            var warmUp = Stopwatch.StartNew();
            using var head = embeddings.narrow(0, 0, Math.Min(4096, embeddings.shape[0]));
            ExactKnn.Search(head, head, k);
            extra["warm_up_s"] = warmUp.Elapsed.TotalSeconds;
        }
        var cpuStart = CpuSnapshot.Take();
        var watch = Stopwatch.StartNew();
        switch (caseName)
        {
            case "floor":
                Floor(embeddings, extra);
                break;
            case "knn":
            case "knn-warm":
                ExactKnn.Search(embeddings, embeddings, k, DistanceKind.Euclidean, setup.Exclusions);
                break;
            case "pcf":
                metrics["OVERALL/pcf/0.5"] = Oml.Metrics.Functional.PcfFunctions.Pcf(embeddings, [0.5])[0];
                break;
            case "retrieval":
                EmbeddingRetrieval.Run(embeddings, setup, k);
                break;
            case "metrics":
            case "fmr":
            {
                var metricArgs = new MetricArgs
                {
                    CmcTopK = k > 5 ? [1, 5, k] : [1, 5],
                    PrecisionTopK = [5],
                    MapTopK = [5],
                    PcfVariance = [0.5],
                    FmrValues = caseName == "fmr" ? [0.01, 0.1] : [],
                };
                var computed = EmbeddingMetrics.Compute(embeddings, setup, metricArgs);
                foreach (var (name, value) in computed.Metrics) metrics[name] = value;
                extra["queries_without_ground_truth"] = computed.QueriesWithoutGroundTruth;
                extra["retrieved_per_query"] = computed.Retrieval.Retrieved.Max(r => r.Length);
                break;
            }
            default:
                Console.Error.WriteLine($"unknown case {caseName}");
                return 2;
        }
        watch.Stop();
        var cpuEnd = CpuSnapshot.Take();
        extra["other_cores"] = cpuEnd.OtherCoresSince(cpuStart);
        extra["cpu_s"] = cpuEnd.OwnSeconds - cpuStart.OwnSeconds;
        var peak = ProcessMemory.PeakRssMb();

        var result = new Dictionary<string, object>
        {
            ["case"] = caseName,
            ["seconds"] = watch.Elapsed.TotalSeconds,
            ["rss_after_embeddings_mb"] = rssAfterEmbeddings,
            ["peak_rss_mb"] = peak,
            ["metrics"] = metrics,
            ["extra"] = extra,
        };
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>
    /// The matrix-product floor: exactly the matrix products of the search and nothing else. TorchSharp
    /// <c>addmm_</c> of every [QueryChunk, D] query block with every transposed [GalleryChunk, D] gallery block of the
    /// real embeddings (the last ones partial, as the engine walks them) into one pre-touched buffer. Timed over the
    /// whole walk, as long as the search itself: short bursts of products ran at 95-190 GFLOP/s on this VM within
    /// minutes while the long cases did not follow them, so a floor measured in a second made the ratios swing
    /// between 1.3 and 1.9 with the search's own time unchanged. gflops_best is the rate of the whole walk;
    /// gflops_median and gflops_worst are over its rows of query blocks.
    /// </summary>
    private static void Floor(Tensor embeddings, Dictionary<string, double> extra)
    {
        var n = embeddings.shape[0];
        var dim = embeddings.shape[1];
        using var buffer = zeros(QueryChunk, GalleryChunk); // zeros: pages touched before timing
        void Product(long qs, long gs)
        {
            var rows = Math.Min(QueryChunk, n - qs);
            var cols = Math.Min(GalleryChunk, n - gs);
            using var block = buffer.narrow(0, 0, rows).narrow(1, 0, cols);
            using var queryBlock = embeddings.narrow(0, qs, rows);
            using var galleryBlock = embeddings.narrow(0, gs, cols);
            using var galleryBlockT = galleryBlock.t();
            block.addmm_(queryBlock, galleryBlockT, beta: 0, alpha: 1);
        }

        for (var i = 0; i < 5; i++) Product(0, 0);
        var rates = new List<double>();
        var total = Stopwatch.StartNew();
        for (long qs = 0; qs < n; qs += QueryChunk)
        {
            var row = Stopwatch.StartNew();
            for (long gs = 0; gs < n; gs += GalleryChunk) Product(qs, gs);
            rates.Add(2.0 * Math.Min(QueryChunk, n - qs) * n * dim / row.Elapsed.TotalSeconds / 1e9);
        }
        total.Stop();
        rates.Sort();
        extra["gflops_best"] = 2.0 * n * n * dim / total.Elapsed.TotalSeconds / 1e9;
        extra["gflops_median"] = rates[rates.Count / 2];
        extra["gflops_worst"] = rates[0];
    }

    internal static (long[] Labels, bool[] IsQuery, bool[] IsGallery) ReadLabels(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        int labelColumn = Array.IndexOf(header, "label"), queryColumn = Array.IndexOf(header, "is_query"), galleryColumn = Array.IndexOf(header, "is_gallery");
        var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
        return (rows.Select(r => long.Parse(r[labelColumn], CultureInfo.InvariantCulture)).ToArray(),
            rows.Select(r => bool.Parse(r[queryColumn])).ToArray(),
            rows.Select(r => bool.Parse(r[galleryColumn])).ToArray());
    }
}
