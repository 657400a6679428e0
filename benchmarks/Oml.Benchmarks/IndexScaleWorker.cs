using System.Diagnostics;
using System.Text.Json;
using Oml.Retrieval;
using static Oml.Benchmarks.BenchUtil;
using static TorchSharp.torch;

namespace Oml.Benchmarks;

/// <summary>
/// <c>index-scale-worker</c>: one case of <c>index-scale</c> in a fresh process (its peak memory its own). Makes the
/// data (<see cref="IndexScaleData"/>), resets the peak RSS, runs the case, prints one <c>RESULT {json}</c> line.
/// Cases: <c>floor</c> (the matrix products of the exact batch search alone, over its walk), <c>exact</c> (the exact
/// batch search; writes its top k for the recall), <c>exact-latency</c> (one query at a time), <c>index</c> (build or
/// load the cached index, then recall, batch time and latency at each expansion_search).
/// </summary>
internal static class IndexScaleWorker
{
    private const string GroundTruthFile = "exact-top-k.bin";

    public static readonly string[] DefaultExpansionSearch = ["16", "32", "64", "128", "256", "512", "1024"];

    public static float NoiseOption(BenchOptions options) =>
        float.Parse(options.Text("--noise", IndexScaleData.DefaultNoise.ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture);

    public static int Run(string[] args)
    {
        if (!BenchOptions.TryParse(args, ["--case", "--work", "--gallery", "--queries", "--dim", "--k", "--threads", "--latency-queries", "--exact-latency-queries",
                "--expansion-search", "--connectivity", "--expansion-add", "--quantization", "--cache-dir", "--noise"], ["--no-cache"], out var options)) return 2;
        var caseName = options.Text("--case") ?? "";
        var work = options.Text("--work") ?? "";
        var k = options.Int("--k", 10);
        var threads = options.Int("--threads", 2);
        set_num_threads(threads);

        using var data = IndexScaleData.Make(options.Int("--gallery", 1_000_000), options.Int("--queries", 10_000), options.Int("--dim", 128), NoiseOption(options));
        GC.Collect();
        var rssAfterData = ProcessMemory.RssMb();
        ProcessMemory.ResetPeak();
        var extra = new Dictionary<string, double>();
        var cpuStart = CpuSnapshot.Take();
        var watch = Stopwatch.StartNew();
        List<IndexScaleResult.SearchRow>? rows = null;
        Dictionary<string, string>? info = null;
        switch (caseName)
        {
            case "floor":
                ProductWalk(data.Queries, data.Gallery);
                break;
            case "exact":
                WriteGroundTruth(Path.Combine(work, GroundTruthFile), ExactKnn.Search(data.Queries, data.Gallery, k), k);
                break;
            case "exact-latency":
                ExactLatency(data, k, options.Int("--exact-latency-queries", 300), extra);
                break;
            case "index":
                (rows, info) = Index(data, k, options, Path.Combine(work, GroundTruthFile), extra, threads);
                break;
            default:
                Console.Error.WriteLine($"unknown case {caseName}");
                return 2;
        }
        watch.Stop();
        var cpuEnd = CpuSnapshot.Take();
        extra["other_cores"] = cpuEnd.OtherCoresSince(cpuStart);
        extra["cpu_s"] = cpuEnd.OwnSeconds - cpuStart.OwnSeconds;
        var result = new IndexScaleResult(caseName, watch.Elapsed.TotalSeconds, rssAfterData, ProcessMemory.PeakRssMb(), extra, rows, info);
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result, Json));
        return 0;
    }

    /// <summary>
    /// The matrix products of the exact search alone: every (query chunk x gallery chunk) block of its walk, of its
    /// chunk shape, into one reused buffer, with nothing else (no distances, no top-k).
    /// </summary>
    private static void ProductWalk(Tensor queries, Tensor gallery)
    {
        var (queryCount, galleryCount) = ((int)queries.shape[0], (int)gallery.shape[0]);
        var queryChunk = Math.Min(KnnOptions.Default.QueryChunk, queryCount);
        var galleryChunk = Math.Min(KnnOptions.Default.GalleryChunk, galleryCount);
        using var buffer = zeros((long)queryChunk * galleryChunk);
        for (var qs = 0; qs < queryCount; qs += queryChunk)
        {
            var rows = Math.Min(queryChunk, queryCount - qs);
            using var queryBlock = queries.narrow(0, qs, rows);
            for (var gs = 0; gs < galleryCount; gs += galleryChunk)
            {
                var cols = Math.Min(galleryChunk, galleryCount - gs);
                using var block = buffer.narrow(0, 0, (long)rows * cols).view(rows, cols);
                using var galleryBlock = gallery.narrow(0, gs, cols);
                using var galleryBlockT = galleryBlock.t();
                block.addmm_(queryBlock, galleryBlockT, beta: 0, alpha: 1);
            }
        }
    }

    private static void WriteGroundTruth(string path, KnnResult exact, int k)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(exact.QueryCount);
        writer.Write(k);
        for (var q = 0; q < exact.QueryCount; q++)
        {
            var ids = exact.Ids(q);
            for (var i = 0; i < k; i++) writer.Write(i < ids.Length ? ids[i] : -1);
        }
    }

    private static int[][] ReadGroundTruth(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        var (queries, k) = (reader.ReadInt32(), reader.ReadInt32());
        return Enumerable.Range(0, queries).Select(_ => Enumerable.Range(0, k).Select(_ => reader.ReadInt32()).Where(id => id >= 0).ToArray()).ToArray();
    }

    /// <summary>
    /// One query at a time, as a service answers a request: <see cref="ExactKnn.Search(Tensor, PreparedGallery, int, RetrievalExclusions?, KnnOptions?, IDistanceObserver?)"/>
    /// with a [1, D] query against the gallery prepared once (as a service keeps it: rows aligned, squared norms
    /// computed), and the products of that walk alone.
    /// </summary>
    private static void ExactLatency(IndexScaleData data, int k, int count, Dictionary<string, double> extra)
    {
        count = Math.Min(count, data.QueryCount);
        using var prepared = ExactKnn.PrepareGallery(data.Gallery);
        var search = new List<double>();
        var products = new List<double>();
        for (var i = -3; i < count; i++) // three warm-up queries
        {
            using var query = data.Queries.narrow(0, Math.Max(i, 0), 1);
            var watch = Stopwatch.StartNew();
            ExactKnn.Search(query, prepared, k);
            var searchMs = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            ProductWalk(query, data.Gallery);
            var productMs = watch.Elapsed.TotalMilliseconds;
            if (i < 0) continue;
            search.Add(searchMs);
            products.Add(productMs);
        }
        extra["queries"] = count;
        extra["p50_ms"] = Latency.Percentile(search, 0.5);
        extra["p99_ms"] = Latency.Percentile(search, 0.99);
        extra["mean_ms"] = search.Average();
        extra["products_p50_ms"] = Latency.Percentile(products, 0.5);
        extra["products_p99_ms"] = Latency.Percentile(products, 0.99);
    }

    private static (List<IndexScaleResult.SearchRow>, Dictionary<string, string>) Index(
        IndexScaleData data, int k, BenchOptions options, string groundTruthPath, Dictionary<string, double> extra, int threads)
    {
        var settings = HnswSettings.Default with
        {
            Connectivity = options.Int("--connectivity", HnswSettings.Default.Connectivity),
            ExpansionAdd = options.Int("--expansion-add", HnswSettings.Default.ExpansionAdd),
            Quantization = IndexQuantizations.Parse(options.Text("--quantization", "f32"), "--quantization"),
        };
        var cache = new IndexCache(options.Text("--cache-dir", IndexCache.DefaultFolder));
        var path = cache.IndexPath(data.GalleryCount, data.Dimension, data.Noise, DistanceKind.Euclidean, settings);
        var info = new Dictionary<string, string> { ["index_file"] = path };
        var rssBefore = ProcessMemory.RssMb();
        var cached = options.Has("--no-cache") ? null : IndexCache.TryLoad(path, DistanceKind.Euclidean);
        HnswIndex index;
        IndexCache.BuildNote note;
        if (cached is { } hit)
        {
            (index, note) = hit;
            info["cache"] = $"loaded from the cache (built {note.BuiltUtc} on {note.Machine})";
            Console.Error.WriteLine(Inv($"    loaded the cached index {path} (its build took {note.Seconds:F0} s)"));
        }
        else
        {
            var watch = Stopwatch.StartNew();
            var step = Math.Max(10_000, data.GalleryCount / 10 / 10_000 * 10_000);
            var progress = new Inline<int>(done =>
            {
                if (done % step == 0 || done == data.GalleryCount)
                {
                    Console.Error.WriteLine(Inv($"    built {done} of {data.GalleryCount} in {watch.Elapsed.TotalSeconds:F0} s"));
                }
            });
            index = HnswIndex.Build(data.GalleryValues, data.Dimension, DistanceKind.Euclidean, settings, progress);
            note = new IndexCache.BuildNote(watch.Elapsed.TotalSeconds, ProcessMemory.RssMb() - rssBefore, index.MemoryBytes, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC", MachineDescription());
            IndexCache.Store(path, index, note);
            info["cache"] = "built by this run and cached";
        }
        using (index)
        {
            extra["build_s"] = note.Seconds;
            extra["build_rss_growth_mb"] = note.RssGrowthMb;
            extra["usearch_mb"] = note.USearchBytes / 1048576.0;
            extra["loaded_rss_growth_mb"] = ProcessMemory.RssMb() - rssBefore;
            extra["file_mb"] = new FileInfo(path).Length / 1048576.0;
            var exact = ReadGroundTruth(groundTruthPath);
            var latencyQueries = Math.Min(options.Int("--latency-queries", 1000), data.QueryCount);
            var rows = new List<IndexScaleResult.SearchRow>();
            foreach (var ef in options.List("--expansion-search", DefaultExpansionSearch).Select(int.Parse))
            {
                index.ExpansionSearch = ef;
                rows.Add(Measure(index, data, k, ef, exact, latencyQueries, threads));
                Console.Error.WriteLine(Inv($"    expansion_search {ef}: recall@{k} {rows[^1].Recall:F4}, p50 {rows[^1].P50Ms:F3} ms, p99 {rows[^1].P99Ms:F3} ms, batch {rows[^1].BatchSeconds:F2} s"));
            }
            return (rows, info);
        }
    }

    /// <summary>Batch: every query, <paramref name="threads"/> at a time. Latency: the first queries one after another, each timed.</summary>
    private static IndexScaleResult.SearchRow Measure(HnswIndex index, IndexScaleData data, int k, int ef, int[][] exact, int latencyQueries, int threads)
    {
        var found = new int[data.QueryCount][];
        var watch = Stopwatch.StartNew();
        Parallel.For(0, data.QueryCount, new ParallelOptions { MaxDegreeOfParallelism = threads }, q =>
        {
            var keys = new int[k];
            var count = index.Search(data.Query(q), keys, new float[k]);
            found[q] = keys[..count];
        });
        var batchSeconds = watch.Elapsed.TotalSeconds;
        var latencies = new List<double>(latencyQueries);
        var (ids, distances) = (new int[k], new float[k]);
        for (var q = -20; q < latencyQueries; q++) // twenty warm-up queries
        {
            watch.Restart();
            index.Search(data.Query(Math.Max(q, 0)), ids, distances);
            if (q >= 0) latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
        return new IndexScaleResult.SearchRow(ef, RetrievalRecall.AtK(found, exact, k), batchSeconds,
            Latency.Percentile(latencies, 0.5), Latency.Percentile(latencies, 0.99), latencies.Average());
    }

    private sealed class Inline<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
