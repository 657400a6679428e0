using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
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
        string? caseName = null, data = null;
        var k = 10;
        var threads = 2;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--case": caseName = args[++i]; break;
                case "--data": data = args[++i]; break;
                case "--k": k = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        if (caseName is null || data is null) { Console.Error.WriteLine("retrieval-worker needs --case and --data"); return 2; }

        set_num_threads(threads);
        var embeddings = NpyFile.ReadFloat32(Path.Combine(data, "embeddings.npy"));
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
            case "retrieval":
                EmbeddingRetrieval.Run(embeddings, setup, k);
                break;
            case "metrics":
            {
                var results = EmbeddingRetrieval.Run(embeddings, setup, k);
                extra["retrieval_s"] = watch.Elapsed.TotalSeconds;
                foreach (var (name, value) in RetrievalMetrics(results, cmcTopK: [1, 5], precisionTopK: [5], mapTopK: [5])) metrics[name] = value;
                metrics["OVERALL/pcf/0.5"] = Pcf(embeddings, 0.5);
                break;
            }
            default:
                Console.Error.WriteLine($"unknown case {caseName}");
                return 2;
        }
        watch.Stop();
        extra["other_cores"] = CpuSnapshot.Take().OtherCoresSince(cpuStart);
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

    /// <summary>cmc@k, precision@k, map@k from the definitions (reference/oml-behaviour.md §6.3), averaged over queries.</summary>
    internal static Dictionary<string, double> RetrievalMetrics(RetrievalResults results, int[] cmcTopK, int[] precisionTopK, int[] mapTopK)
    {
        var sums = new Dictionary<string, double>();
        foreach (var k in cmcTopK) sums[$"OVERALL/cmc/{k}"] = 0;
        foreach (var k in precisionTopK) sums[$"OVERALL/precision/{k}"] = 0;
        foreach (var k in mapTopK) sums[$"OVERALL/map/{k}"] = 0;
        for (var q = 0; q < results.QueryCount; q++)
        {
            var hits = results.Hits(q);
            var groundTruth = results.GroundTruth[q].Length;
            var retrieved = hits.Length;
            foreach (var k in cmcTopK)
            {
                sums[$"OVERALL/cmc/{k}"] += retrieved == 0 ? (groundTruth == 0 ? 1 : 0) : (Array.IndexOf(hits, true, 0, Math.Min(k, retrieved)) >= 0 ? 1 : 0);
            }
            foreach (var k in precisionTopK)
            {
                double value;
                if (retrieved == 0) value = groundTruth == 0 ? 1 : 0;
                else
                {
                    var top = Math.Min(k, retrieved);
                    value = (double)hits.Take(top).Count(h => h) / Math.Min(groundTruth, top);
                }
                sums[$"OVERALL/precision/{k}"] += value;
            }
            foreach (var k in mapTopK)
            {
                double value;
                if (retrieved == 0) value = groundTruth == 0 ? 1 : 0;
                else
                {
                    var top = Math.Min(k, retrieved);
                    double found = 0, sum = 0;
                    for (var i = 0; i < top; i++)
                    {
                        if (!hits[i]) continue;
                        found++;
                        sum += found / (i + 1);
                    }
                    value = found == 0 ? 0 : sum / found;
                }
                sums[$"OVERALL/map/{k}"] += value;
            }
        }
        return sums.ToDictionary(p => p.Key, p => p.Value / results.QueryCount);
    }

    /// <summary>PCF (reference/oml-behaviour.md §6.5): (number of cumulative explained-variance ratios &lt;= r, plus 1) / d.</summary>
    internal static double Pcf(Tensor embeddings, double fraction)
    {
        using var scope = NewDisposeScope();
        var centred = embeddings - embeddings.mean([0]);
        var variance = linalg.svdvals(centred).to(ScalarType.Float64).square().data<double>().ToArray();
        var total = variance.Sum();
        double cumulative = 0;
        var count = 0;
        foreach (var v in variance)
        {
            cumulative += v / total;
            if (cumulative <= fraction) count++;
        }
        return (count + 1.0) / embeddings.shape[1];
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
