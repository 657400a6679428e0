using System.Diagnostics;
using System.Text;
using Oml.Data;
using Oml.Data.Sources;
using Oml.Images;
using Oml.Metrics;
using Oml.Models;
using Oml.Postprocessing;
using Oml.Registries;
using Oml.Retrieval;
using static Oml.Benchmarks.BenchUtil;
using static TorchSharp.torch;

namespace Oml.Benchmarks;

/// <summary>
/// <c>rerank-cost</c>: what re-ranking on images costs per query. A <c>concat_siamese</c> on <c>resnet18_mlnet</c>
/// (random weights: the cost does not depend on them; head [20, 20]) re-ranks the top_n of every query with
/// <see cref="PairwiseReranker"/> as validation runs it: each pair is the two 64x64 images stacked into one 128x64
/// input. Cases: top_n 3 / 5 / 10 at several batch sizes with the images already in memory (the model alone), the same
/// with the images decoded and transformed from JPEG files per batch (<see cref="DatasetRowImages"/>, what
/// <c>oml validate</c> does), and use_tta (two passes). For scale, the embedding of one 64x64 image by the same
/// extractor (what validation pays per row anyway). Cases alternate within each repeat; medians are reported.
/// </summary>
internal static class RerankCostBenchmark
{
    private const string Title = "Re-ranking cost per query";
    private const int ImageSize = 64;
    private const int SourceSize = 256;
    private const double MaxQuietWaitSeconds = 3;

    private sealed record Case(string Name, int TopN, int BatchSize, bool Decode, bool Tta);

    public static int Run(string[] args)
    {
        if (!BenchOptions.TryParse(args, ["--queries", "--top-n", "--batch-sizes", "--repeats", "--threads"], ["--no-results-file", "--no-decode"], out var options)) return 2;
        var queries = options.Int("--queries", 16);
        var topNs = options.List("--top-n", ["3", "5", "10"]).Select(int.Parse).ToArray();
        var batchSizes = options.List("--batch-sizes", ["8", "32", "128"]).Select(int.Parse).ToArray();
        var repeats = options.Int("--repeats", 3);
        var threads = options.Int("--threads", 2);
        var decode = !options.Has("--no-decode");
        var writeResults = !options.Has("--no-results-file");
        if (queries < 1 || repeats < 1 || topNs.Any(n => n < 2) || batchSizes.Any(b => b < 1))
        {
            Console.Error.WriteLine("--queries and --repeats must be at least 1, --top-n values at least 2, --batch-sizes positive");
            return 2;
        }
        set_num_threads(threads);
        var loadBefore = File.ReadAllText("/proc/loadavg").Trim();

        var folder = Directory.CreateTempSubdirectory("oml-rerank-cost-");
        try
        {
            // the mock set's validation half: 4 classes x 20 JPEGs of 256 px, resized to 64 px by norm_resize_torch
            MockDatasetGenerator.Generate(folder.FullName, new MockDatasetOptions { Classes = 8, PerClass = 20, Size = SourceSize, Seed = 5 });
            var frame = DatasetFrame.Load(Path.Combine(folder.FullName, "df.csv"), new DatasetLoadOptions { DatasetRoot = folder.FullName });
            var transform = Registry.Transforms.Create("norm_resize_torch", BlockArgs.From("transforms_val.args", ("im_size", (long)ImageSize)));
            var dataset = ImageDataset.Validation(frame, transform);
            var setup = ValidationSet.Setup(frame);
            using var scope = NewDisposeScope();
            manual_seed(3);
            var results = FirstQueries(EmbeddingRetrieval.Run(randn(setup.RowCount, 16), setup, topNs.Max()), queries);
            var inMemory = new InMemoryRows(dataset.LoadBatch(Enumerable.Range(0, dataset.Count).ToArray()));
            var fromFiles = new DatasetRowImages(dataset);
            var extractorBlock = new Dictionary<string, object?> { ["name"] = "resnet", ["args"] = new Dictionary<string, object?> { ["arch"] = "resnet18_mlnet", ["weights"] = null } };
            using var model = (ConcatSiamese)Registry.PairwiseModels.Create("concat_siamese", BlockArgs.From("postprocessor.args.pairwise_model.args", ("extractor", extractorBlock)));
            using var withTta = (ConcatSiamese)Registry.PairwiseModels.Create("concat_siamese", BlockArgs.From("postprocessor.args.pairwise_model.args", ("extractor", extractorBlock), ("use_tta", true)));
            var embeddingBatch = batchSizes.Max();

            var cases = new List<Case>();
            foreach (var topN in topNs)
                foreach (var batch in batchSizes) cases.Add(new($"top{topN}-b{batch}", topN, batch, false, false));
            var middle = batchSizes[batchSizes.Length / 2];
            if (decode)
                foreach (var topN in topNs) cases.Add(new($"top{topN}-b{middle}-decode", topN, middle, true, false));
            var ttaTopN = topNs[topNs.Length / 2];
            cases.Add(new($"top{ttaTopN}-b{middle}-tta", ttaTopN, middle, false, true));

            // warm-up: one pass of every shape
            new PairwiseReranker(2, model, batchSizes.Max()).Process(FirstQueries(results, Math.Min(queries, 4)), new PostprocessingInputs(images: inMemory));
            TimeEmbedding(model.Backbone, inMemory, embeddingBatch);

            var times = cases.ToDictionary(c => c.Name, _ => new List<double>());
            var embedTimes = new List<double>();
            var otherLoad = new List<double>();
            for (var repeat = 0; repeat < repeats; repeat++)
            {
                for (var i = 0; i <= cases.Count; i++)
                {
                    var index = (i + repeat) % (cases.Count + 1);
                    GC.Collect();
                    WaitForQuiet(MaxQuietWaitSeconds);
                    var cpu = CpuSnapshot.Take();
                    double seconds;
                    string name;
                    if (index == cases.Count)
                    {
                        name = "embedding";
                        seconds = TimeEmbedding(model.Backbone, inMemory, embeddingBatch);
                        embedTimes.Add(seconds);
                    }
                    else
                    {
                        var c = cases[index];
                        name = c.Name;
                        var reranker = new PairwiseReranker(c.TopN, c.Tta ? withTta : model, c.BatchSize);
                        var inputs = new PostprocessingInputs(images: c.Decode ? fromFiles : inMemory);
                        var watch = Stopwatch.StartNew();
                        using (NewDisposeScope()) reranker.Process(results, inputs);
                        seconds = watch.Elapsed.TotalSeconds;
                        times[c.Name].Add(seconds);
                    }
                    var other = CpuSnapshot.Take().OtherCoresSince(cpu);
                    otherLoad.Add(other);
                    Console.Error.WriteLine(Inv($"  [{repeat + 1}/{repeats}] {name}: {seconds:F2} s (other load {other:F2} cores)"));
                }
            }
            var loadAfter = File.ReadAllText("/proc/loadavg").Trim();
            var report = Report(args, cases, times, embedTimes, queries, dataset.Count, embeddingBatch, threads, repeats, loadBefore, loadAfter, otherLoad);
            Console.WriteLine(report);
            if (writeResults)
            {
                var resultsPath = Path.Combine(FindRepositoryRoot(), "benchmarks", "RESULTS.md");
                ResultsFile.ReplaceSection(resultsPath, Title, report);
                Console.WriteLine($"wrote the '{Title}' section of {resultsPath}");
            }
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Report(string[] args, List<Case> cases, Dictionary<string, List<double>> times, List<double> embedTimes, int queries, int rows,
        int embeddingBatch, int threads, int repeats, string loadBefore, string loadAfter, List<double> otherLoad)
    {
        var embedSeconds = Median(embedTimes);
        var embedPerImageMs = embedSeconds / rows * 1000;
        var sb = new StringBuilder();
        sb.AppendLine(Inv($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineDescription()}; load average before `{loadBefore}`, after `{loadAfter}`; other processes used {Median(otherLoad):F2} cores (median over the cases)."));
        sb.AppendLine();
        sb.AppendLine(Inv($"Command: `dotnet run -c Release --project benchmarks/Oml.Benchmarks -- rerank-cost{(args.Length > 0 ? " " + string.Join(' ', args) : "")}`"));
        sb.AppendLine();
        sb.AppendLine(Inv($"Model: `concat_siamese` with extractor `{{name: resnet, args: {{arch: resnet18_mlnet, weights: null}}}}`, mlp_hidden_dims [20, 20], float32 on the CPU, {threads} threads, eval mode, no gradients. ") +
                      Inv($"`PairwiseReranker.Process` on {queries} queries of the mock set's validation half ({rows} rows, JPEGs of {SourceSize} px, `norm_resize_torch` to {ImageSize} px), top_n pairs per query; ") +
                      Inv($"each pair is one {2 * ImageSize}x{ImageSize} input (the two images stacked). \"in memory\": the images were decoded beforehand (the model's cost); \"decoded\": each batch decodes and transforms its distinct rows from the files, as `oml validate` does. ") +
                      Inv($"Median of {repeats} repeats; the cases alternate in every repeat (the order rotates), each after a wait (at most {MaxQuietWaitSeconds:F0} s) for other processes to quieten. ") +
                      "images/s counts both images of a pair.");
        sb.AppendLine();
        sb.AppendLine("| top_n | batch size (pairs) | images | ms per query | pairs/s | images/s | x the embedding of one query image |");
        sb.AppendLine("|---:|---:|---|---:|---:|---:|---:|");
        foreach (var c in cases)
        {
            var seconds = Median(times[c.Name]);
            var pairs = (double)queries * c.TopN;
            var msPerQuery = seconds / queries * 1000;
            var source = c.Decode ? "decoded" : "in memory";
            if (c.Tta) source += ", use_tta (2 passes)";
            sb.AppendLine(Inv($"| {c.TopN} | {c.BatchSize} | {source} | {msPerQuery:F1} | {pairs / seconds:F1} | {2 * pairs / seconds:F1} | {msPerQuery / embedPerImageMs:F1} |"));
        }
        sb.AppendLine();
        sb.AppendLine(Inv($"For scale: embedding one {ImageSize}x{ImageSize} image with the same extractor (batch {embeddingBatch}, in memory) takes {embedPerImageMs:F2} ms ({1000 / embedPerImageMs:F0} images/s); ") +
                      "validation pays that once per row, re-ranking pays about top_n stacked pairs (each twice the pixels) per query on top.");
        return sb.ToString();
    }

    /// <summary>Seconds to embed every in-memory row once, in batches, without gradients.</summary>
    private static double TimeEmbedding(Extractor extractor, InMemoryRows images, int batchSize)
    {
        extractor.eval();
        using var noGrad = no_grad();
        var watch = Stopwatch.StartNew();
        for (var start = 0; start < images.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var rows = Enumerable.Range(start, Math.Min(batchSize, images.Count - start)).ToArray();
            extractor.forward(images.Load(rows));
        }
        return watch.Elapsed.TotalSeconds;
    }

    private static RetrievalResults FirstQueries(RetrievalResults results, int count)
    {
        var n = Math.Min(count, results.QueryCount);
        return new RetrievalResults(results.Retrieved.Take(n).ToArray(), results.Distances.Take(n).ToArray(), results.GroundTruth.Take(n).ToArray(),
            results.QueryRows.Take(n).ToArray(), results.GalleryRows);
    }

    private static double WaitForQuiet(double maxSeconds)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < maxSeconds)
        {
            var start = CpuSnapshot.Take();
            Thread.Sleep(1000);
            if (CpuSnapshot.Take().OtherCoresSince(start) < QuietCores) break;
        }
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Rows of a tensor of decoded images.</summary>
    private sealed class InMemoryRows(Tensor images) : IRowImages
    {
        public int Count => (int)images.shape[0];

        public Tensor Load(IReadOnlyList<int> rows) => images.index_select(0, tensor(rows.Select(r => (long)r).ToArray()));
    }
}
