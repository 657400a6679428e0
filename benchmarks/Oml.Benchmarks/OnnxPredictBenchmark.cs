using System.Diagnostics;
using System.Globalization;
using System.Text;
using Oml.Data;
using Oml.Data.Sources;
using Oml.Images;
using Oml.IO;
using Oml.Onnx;
using Oml.Pipelines;
using Oml.Registries;
using Oml.Runtime;
using static Oml.Benchmarks.BenchUtil;
using static TorchSharp.torch;

namespace Oml.Benchmarks;

/// <summary>
/// <c>onnx-predict</c>: <c>oml predict</c> with the TorchSharp engine against <c>engine=onnxruntime</c> on the main job's
/// network (configs/predict_mock.yaml: ML.NET's pretrained ResNet-18, <c>resnet18_mlnet</c>, <c>norm_resize_mlnet</c>)
/// at the main job's 64 px and at 224 px, over a generated mock set of 64 px JPEGs (the main job's data, boxes
/// cropped). The network is exported once per size (its export time and check reported); every case then runs in a
/// fresh process: <see cref="PredictPipeline.Run"/> twice (the first warms up; the second is timed, whole: model or
/// session load, decoding, transform, forward, writing the files; the ONNX engine runs the exported file given as
/// <c>engine.args.model</c>), then the forward alone on in-memory batches. Peak memory is the process's VmHWM after the
/// predictions. Engines alternate, in a rotating order, in every round; medians are reported.
/// </summary>
internal static class OnnxPredictBenchmark
{
    private const string Title = "Prediction: TorchSharp vs ONNX Runtime (resnet18_mlnet)";
    private const string Config = "configs/predict_mock.yaml";
    private static readonly string[] Engines = ["torch", "onnxruntime"];

    internal sealed record WorkerResult(string Engine, int Size, int Images, double PredictSeconds, double WarmUpSeconds, double ForwardImagesPerSecond,
        double RssAfterPredictMb, double PeakRssMb, double OtherCores, string EmbeddingsPath);

    private sealed record Export(int Size, string Path, double Seconds, double MaxAbsDifference, long Bytes);

    public static int Run(string[] args)
    {
        if (!BenchOptions.TryParse(args, ["--images", "--sizes", "--repeats", "--threads", "--batch"], ["--quick", "--no-results-file"], out var options)) return 2;
        var quick = options.Has("--quick");
        var images = options.Int("--images", quick ? 64 : 512);
        var sizes = options.List("--sizes", ["64", "224"]).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var repeats = options.Int("--repeats", quick ? 1 : 3);
        var threads = options.Int("--threads", 2);
        var batch = options.Int("--batch", 128);
        var writeResults = !options.Has("--no-results-file");
        if (images < 16 || repeats < 1 || threads < 1 || batch < 1 || sizes.Any(s => s < 32))
        {
            Console.Error.WriteLine("--images must be at least 16, --repeats, --threads and --batch at least 1, --sizes at least 32 px each");
            return 2;
        }

        TorchRuntime.Configure(threads);
        var root = FindRepositoryRoot();
        var loadBefore = LoadAverage();
        var work = Directory.CreateTempSubdirectory("oml-onnx-predict-");
        try
        {
            var data = Path.Combine(work.FullName, "mock");
            var classes = Math.Max(2, images / 16);
            MockDatasetGenerator.Generate(data, new MockDatasetOptions { Classes = classes, PerClass = images / classes, Size = 64, Seed = 11 });
            var dataframe = Path.Combine(data, "df_with_bboxes.csv");
            var rows = DatasetFrame.Load(dataframe).Rows.Count;

            var exports = sizes.Select(size => ExportModel(root, dataframe, size, work.FullName)).ToDictionary(e => e.Size);
            var results = new Dictionary<(int Size, string Engine), List<WorkerResult>>();
            var differences = new Dictionary<int, double>();
            for (var round = 0; round < repeats; round++)
            {
                foreach (var size in sizes)
                {
                    var order = round % 2 == 0 ? Engines : Engines.Reverse().ToArray();
                    var embeddings = new Dictionary<string, string>();
                    foreach (var engine in order)
                    {
                        var waited = WaitForQuiet(quick ? 3 : 30);
                        Console.Error.WriteLine(Inv($"[{round + 1}/{repeats}] {size} px, {engine} (waited {waited:F0} s for a quiet machine) ..."));
                        string[] workerArgs = ["--engine", engine, "--size", Str(size), "--dataframe", dataframe, "--threads", Str(threads), "--batch", Str(batch),
                            "--model", exports[size].Path, "--out", Path.Combine(work.FullName, Str($"out-{size}-{engine}"))];
                        var result = RunChild<WorkerResult>(SelfPath(), [.. SelfArgs(), "onnx-predict-worker", .. workerArgs], env => env["OMP_NUM_THREADS"] = Str(threads));
                        Console.Error.WriteLine(Inv($"    predict {result.Images / result.PredictSeconds:F1} images/s ({result.PredictSeconds:F2} s), forward alone {result.ForwardImagesPerSecond:F1} images/s, peak RSS {result.PeakRssMb:F0} MB, other load {result.OtherCores:F2}"));
                        if (!results.TryGetValue((size, engine), out var list)) results[(size, engine)] = list = [];
                        list.Add(result);
                        embeddings[engine] = result.EmbeddingsPath;
                    }
                    var difference = FeatureDifference.MaxAbs(NpyFile.ReadMatrix(embeddings["torch"]).Data, NpyFile.ReadMatrix(embeddings["onnxruntime"]).Data);
                    differences[size] = Math.Max(differences.GetValueOrDefault(size), difference);
                }
            }
            var report = Report(args, sizes, results, exports, differences, rows, threads, batch, repeats, quick, loadBefore, LoadAverage());
            ResultsFile.Publish(Title, report, writeResults);
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>One engine at one size in this process; prints a RESULT line.</summary>
    public static int Worker(string[] args)
    {
        if (!BenchOptions.TryParse(args, ["--engine", "--size", "--dataframe", "--threads", "--batch", "--model", "--out"], [], out var options)) return 2;
        var engine = options.Text("--engine", "torch");
        var size = options.Int("--size", 64);
        var threads = options.Int("--threads", 2);
        var batch = options.Int("--batch", 128);
        var output = options.Text("--out", "out");
        TorchRuntime.Configure(threads);
        var overrides = new List<string>
        {
            $"dataframe={options.Text("--dataframe")}", Str($"transforms_predict.args.im_size={size}"), Str($"bs={batch}"), $"save_dir={output}",
        };
        if (engine == "onnxruntime") overrides.AddRange(["engine=onnxruntime", $"engine.args.model={options.Text("--model")}", Str($"engine.args.threads={threads}")]);
        var config = PredictPipelineConfig.Load(Path.Combine(FindRepositoryRoot(), Config), overrides);

        var clock = Stopwatch.StartNew();
        PredictPipeline.Run(config);
        var warmUp = clock.Elapsed.TotalSeconds;
        var cpu = CpuSnapshot.Take();
        clock.Restart();
        var run = PredictPipeline.Run(config);
        var predictSeconds = clock.Elapsed.TotalSeconds;
        var other = CpuSnapshot.Take().OtherCoresSince(cpu);
        var rssAfterPredict = ProcessMemory.RssMb();
        var peak = ProcessMemory.PeakRssMb();
        var forward = ForwardImagesPerSecond(config, run.Images, batch);
        var result = new WorkerResult(engine, size, run.Images, predictSeconds, warmUp, forward, rssAfterPredict, peak, other, run.EmbeddingsPath);
        Console.WriteLine("RESULT " + System.Text.Json.JsonSerializer.Serialize(result, Json));
        return 0;
    }

    /// <summary>The main job's network at <paramref name="size"/> px, exported (and checked) as <c>oml export</c> does.</summary>
    private static Export ExportModel(string root, string dataframe, int size, string work)
    {
        var path = Path.Combine(work, Str($"resnet18_mlnet_{size}.onnx"));
        var clock = Stopwatch.StartNew();
        var result = ExportPipeline.Run(Path.Combine(root, Config), path, $"dataframe={dataframe}", Str($"transforms_predict.args.im_size={size}"));
        var seconds = clock.Elapsed.TotalSeconds;
        Console.Error.WriteLine(Inv($"exported {path}: {result.Bytes / 1048576.0:F1} MB in {seconds:F1} s, ONNX Runtime vs TorchSharp {result.MaxAbsDifference:E2}"));
        return new Export(size, path, seconds, result.MaxAbsDifference, result.Bytes);
    }

    /// <summary>Images per second of the engine's forward alone on one batch of the dataframe's images in memory (1 warm-up pass, then about <paramref name="images"/> images).</summary>
    private static double ForwardImagesPerSecond(PredictPipelineConfig config, int images, int batch)
    {
        var transform = Registry.Transforms.Create(config.TransformsPredict.Name, config.TransformsPredict.CreateArgs());
        var frame = DatasetFrame.Load(config.Dataframe!, new DatasetLoadOptions { DatasetRoot = Path.GetDirectoryName(Path.GetFullPath(config.Dataframe!)), CheckValidationRetrieval = false });
        var dataset = new ImageDataset(frame, frame.Rows, transform);
        var count = Math.Min(batch, dataset.Count);
        using var input = dataset.LoadBatch(Enumerable.Range(0, count).ToArray());
        Func<Tensor, Tensor> forward;
        IDisposable engine;
        if (config.Inference.Engine == InferenceEngine.OnnxRuntime)
        {
            var runtime = new OnnxRuntimeExtractor(config.Inference.Model!, config.Inference.Threads);
            (forward, engine) = (runtime.Extract, runtime);
        }
        else
        {
            var extractor = Registry.Extractors.Create(config.Extractor!.Name, config.Extractor.CreateArgs());
            extractor.eval();
            (forward, engine) = (x => extractor.forward(x), extractor);
        }
        using (engine)
        using (no_grad())
        {
            using (NewDisposeScope()) forward(input);
            var passes = Math.Max(1, images / count);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < passes; i++)
            {
                using (NewDisposeScope()) forward(input);
            }
            return passes * count / clock.Elapsed.TotalSeconds;
        }
    }

    private static string Report(string[] args, int[] sizes, Dictionary<(int Size, string Engine), List<WorkerResult>> results, Dictionary<int, Export> exports,
        Dictionary<int, double> differences, int rows, int threads, int batch, int repeats, bool quick, string loadBefore, string loadAfter)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineDescription()}; load average before `{loadBefore}`, after `{loadAfter}`.");
        sb.AppendLine();
        sb.AppendLine($"Command: `dotnet run -c Release --project benchmarks/Oml.Benchmarks -- onnx-predict{(args.Length > 0 ? " " + string.Join(' ', args) : "")}`" +
                      (quick ? " (**--quick: a smoke test, not a measurement**)" : ""));
        sb.AppendLine();
        sb.AppendLine(Inv($"`oml predict {Config}` (the main job's network: `resnet18_mlnet` with the pretrained `resnet18_mlnet_imagenet` weights, `norm_resize_mlnet`) on {rows} mock images of 64 px (boxes cropped, `df_with_bboxes.csv`), bs {batch}, num_workers 2, {threads} threads for TorchSharp (OMP_NUM_THREADS) and for ONNX Runtime (`engine.args.threads`, CPU execution provider, default graph optimisations). ") +
                      "\"predict\" is the whole second `PredictPipeline.Run` of a fresh process (model or ONNX session load, JPEG decoding, transform, forward, writing embeddings.npy / paths.csv / predictions.json); the ONNX engine runs the model exported beforehand (`engine.args.model`). \"forward\" is the engine alone on one in-memory batch repeated. " +
                      Inv($"Peak RSS: VmHWM of the process after the two predictions (TorchSharp's LibTorch is loaded in both: the data pipeline uses tensors). Median of {repeats} round(s); the engines alternate in a rotating order, each after a wait (at most {(quick ? 3 : 30)} s) for other processes to use less than {QuietCores} cores."));
        sb.AppendLine();
        sb.AppendLine("| input | engine | predict images/s (per round) | predict s | forward images/s | peak RSS MB | RSS after MB | other load (cores) |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---|");
        foreach (var size in sizes)
        {
            foreach (var engine in Engines)
            {
                var runs = results[(size, engine)];
                var rates = runs.Select(r => r.Images / r.PredictSeconds).ToArray();
                sb.AppendLine(Inv($"| {size} px | {(engine == "torch" ? "TorchSharp" : "ONNX Runtime")} | **{Median(rates):F1}** ({string.Join(", ", rates.Select(r => Inv($"{r:F1}")))}) | {Median(runs.Select(r => r.PredictSeconds)):F2} | ") +
                              Inv($"{Median(runs.Select(r => r.ForwardImagesPerSecond)):F1} | {Median(runs.Select(r => r.PeakRssMb)):F0} | {Median(runs.Select(r => r.RssAfterPredictMb)):F0} | {string.Join(", ", runs.Select(r => Inv($"{r.OtherCores:F2}")))} |"));
            }
        }
        sb.AppendLine();
        foreach (var size in sizes)
        {
            double Rate(string engine, Func<WorkerResult, double> f) => Median(results[(size, engine)].Select(f));
            var predictRatio = Rate("onnxruntime", r => r.Images / r.PredictSeconds) / Rate("torch", r => r.Images / r.PredictSeconds);
            var forwardRatio = Rate("onnxruntime", r => r.ForwardImagesPerSecond) / Rate("torch", r => r.ForwardImagesPerSecond);
            var export = exports[size];
            sb.AppendLine(Inv($"- {size} px: ONNX Runtime / TorchSharp = **{predictRatio:F2}x** images/s for predict, {forwardRatio:F2}x for the forward alone; ") +
                          Inv($"the export ({export.Bytes / 1048576.0:F1} MB) took {export.Seconds:F1} s with its check (ONNX Runtime vs TorchSharp {export.MaxAbsDifference:E1}); the two engines' embeddings.npy differ by at most {differences[size]:E1}."));
        }
        return sb.ToString();
    }
}
