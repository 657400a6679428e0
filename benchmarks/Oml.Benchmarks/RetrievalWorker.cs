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
        var cpuStart = CpuSnapshot.Take();
        var watch = Stopwatch.StartNew();
        switch (caseName)
        {
            case "floor":
                Floor(embeddings, extra);
                break;
            case "knn":
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
    /// The matrix-product floor: TorchSharp <c>addmm_</c> of a [QueryChunk, D] query block and a transposed
    /// [GalleryChunk, D] gallery block (both slices of the real embeddings, walked as the engine walks them) into one
    /// pre-touched [QueryChunk, GalleryChunk] buffer. Best and median GFLOP/s over 5 timed rounds.
    /// </summary>
    private static void Floor(Tensor embeddings, Dictionary<string, double> extra)
    {
        var n = (int)embeddings.shape[0];
        var dim = embeddings.shape[1];
        var queryBlocks = Math.Max(1, n / QueryChunk);
        var galleryBlocks = Math.Max(1, n / GalleryChunk);
        using var buffer = zeros(QueryChunk, GalleryChunk); // zeros: pages touched before timing
        var call = 0;
        void Product()
        {
            var qi = call / galleryBlocks % queryBlocks;
            var gi = call % galleryBlocks;
            call++;
            using var queryBlock = embeddings.narrow(0, (long)qi * QueryChunk, QueryChunk);
            using var galleryBlock = embeddings.narrow(0, (long)gi * GalleryChunk, GalleryChunk);
            using var galleryBlockT = galleryBlock.t();
            buffer.addmm_(queryBlock, galleryBlockT, beta: 0, alpha: 1);
        }

        for (var i = 0; i < 5; i++) Product();
        const int rounds = 5, callsPerRound = 40;
        var rates = new List<double>();
        var flopsPerCall = 2.0 * QueryChunk * GalleryChunk * dim;
        for (var r = 0; r < rounds; r++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < callsPerRound; i++) Product();
            watch.Stop();
            rates.Add(flopsPerCall * callsPerRound / watch.Elapsed.TotalSeconds / 1e9);
        }
        rates.Sort();
        extra["gflops_best"] = rates[^1];
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
