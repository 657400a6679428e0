using System.Globalization;
using System.Text;
using Oml.Data;
using Oml.Data.Sources;
using Oml.Pipelines;
using Oml.Pipelines.Events;
using Oml.Runtime;
using static Oml.Benchmarks.BenchUtil;

namespace Oml.Benchmarks;

/// <summary>
/// <c>train-loop</c>: the whole training loop with data loading. C#: <see cref="TrainPipeline.Run"/> (what
/// <c>oml train</c> runs) with configs/train_mock_scratch.yaml plus overrides, in a fresh process, events collected in
/// process; Python: benchmarks/python/train_loop_reference.py (PIL decode + resize + normalise, a DataLoader with the
/// same number of workers, the same balance sampling, model, loss and optimizer). Both read the same df.csv of a mock
/// dataset generated into a temporary folder. Validation (which the pipeline always runs after the last epoch) and
/// checkpoint writing happen outside the epochs' training part and are not timed.
/// </summary>
internal static class TrainLoopBenchmark
{
    private const string Title = "Training loop with data loading (oml train vs PyTorch DataLoader loop)";
    private const string DataFrame = "df_bench.csv";
    private const int MockClasses = 40;
    private const int MockPerClass = 100;
    private const int ImagesPerLabel = 10;
    private const int ValidationPerClass = 5;
    private const int ImageSize = 64;

    internal sealed record LoopResult(
        string Side,
        double[] StepSeconds,
        double[] WaitSeconds,
        int[] StepEpochs,
        double[] EpochSeconds,
        double PeakRssMb,
        string Allocator,
        double OtherCores,
        Dictionary<string, string>? Info);

    public static int Run(string[] args)
    {
        if (!BenchOptions.TryParse(args, ["--rounds", "--epochs", "--workers", "--threads", "--allocator"], ["--no-python", "--no-results-file"], out var options)) return 2;
        int rounds = options.Int("--rounds", 3), epochs = options.Int("--epochs", 3), workers = options.Int("--workers", 2), threads = options.Int("--threads", 2);
        var allocatorRequest = options.Text("--allocator");
        var python = !options.Has("--no-python");
        var writeResults = !options.Has("--no-results-file");
        if (epochs < 2) { Console.Error.WriteLine("--epochs must be at least 2 (the first epoch is the warm-up)"); return 2; }
        var allocator = ChooseAllocator(allocatorRequest);
        var root = FindRepositoryRoot();
        var loadBefore = LoadAverage();
        var folder = Directory.CreateTempSubdirectory("oml-train-loop-bench-");
        try
        {
            var (trainLabels, trainRows, validationRows) = MakeData(folder.FullName);
            var stepsPerEpoch = trainLabels / 8;
            Console.WriteLine($"mock dataset in {folder.FullName}: {trainRows} train images in {trainLabels} labels ({stepsPerEpoch} batches of 8 x 4 per epoch), {validationRows} validation images");
            var results = new Dictionary<string, List<LoopResult>> { ["csharp"] = [], ["python"] = [] };
            for (var round = 0; round < rounds; round++)
            {
                foreach (var side in python ? new[] { "csharp", "python" } : ["csharp"])
                {
                    var waited = WaitForQuiet();
                    Console.Error.WriteLine(Inv($"[{round + 1}/{rounds}] {side} (waited {waited:F0} s for a quiet machine) ..."));
                    var common = new[] { "--data", folder.FullName, "--epochs", Str(epochs), "--workers", Str(workers), "--threads", Str(threads) };
                    var result = side == "python"
                        ? RunChild<LoopResult>(Python, [Path.Combine(root, "benchmarks", "python", "train_loop_reference.py"), .. common, "--dataframe", DataFrame, "--im-size", Str(ImageSize)], threads, allocator)
                        : RunChild<LoopResult>(SelfPath(), [.. SelfArgs(), "train-loop-worker", .. common, "--config", Path.Combine(root, "configs", "train_mock_scratch.yaml")], threads, allocator);
                    var s = Summarise(result);
                    Console.Error.WriteLine(Inv($"    {s.PerStepMs:F1} ms/step (epochs after the first), median step {s.MedianStepMs:F1} ms, waits {s.WaitShare * 100:F1} %, peak RSS {result.PeakRssMb:F0} MB, {result.Allocator}, other load {result.OtherCores:F2}"));
                    results[side].Add(result);
                }
            }
            var loadAfter = LoadAverage();
            var report = Report(results, rounds, epochs, workers, threads, stepsPerEpoch, trainRows, trainLabels, validationRows, allocator, python, loadBefore, loadAfter);
            ResultsFile.Publish(Title, report, writeResults);
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// `oml dataset mock` with 40 classes x 100 JPEGs of 64 px, then df_bench.csv: the 20 train shapes' images split
    /// into labels of 10 images (200 labels, so 25 balance batches per epoch instead of 2, and the DataLoader's start per epoch
    /// does not dominate), the first 5 images of each validation shape as the (untimed) validation split.
    /// </summary>
    private static (int TrainLabels, int TrainRows, int ValidationRows) MakeData(string folder)
    {
        MockDatasetGenerator.Generate(folder, new MockDatasetOptions { Classes = MockClasses, PerClass = MockPerClass, Size = ImageSize });
        var lines = File.ReadAllLines(Path.Combine(folder, MockDatasetGenerator.DataFrameFile));
        var header = lines[0].Split(',');
        int labelColumn = Array.IndexOf(header, DatasetCsv.Label), pathColumn = Array.IndexOf(header, DatasetCsv.Path), splitColumn = Array.IndexOf(header, DatasetCsv.Split);
        var rows = new List<DatasetRow>();
        var seen = new Dictionary<long, int>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            var label = long.Parse(cells[labelColumn], CultureInfo.InvariantCulture);
            var index = seen[label] = seen.GetValueOrDefault(label) + 1;
            if (cells[splitColumn] == "train") rows.Add(DatasetRow.Train(label * 1000 + (index - 1) / ImagesPerLabel, cells[pathColumn]));
            else if (index <= ValidationPerClass) rows.Add(DatasetRow.Validation(label, cells[pathColumn]));
        }
        DatasetCsv.Write(Path.Combine(folder, DataFrame), rows);
        var train = rows.Where(r => r.Split == DatasetSplit.Train).ToArray();
        return (train.Select(r => r.Label).Distinct().Count(), train.Length, rows.Count - train.Length);
    }

    private sealed class SyncProgress(Action<PipelineEvent> action) : IProgress<PipelineEvent>
    {
        public void Report(PipelineEvent value) => action(value);
    }

    /// <summary>One C# run: TrainPipeline.Run in this process; prints a RESULT line.</summary>
    public static int Worker(string[] args)
    {
        string data = "", config = "";
        int epochs = 3, workers = 2, threads = 2;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data": data = args[++i]; break;
                case "--config": config = args[++i]; break;
                case "--epochs": epochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--workers": workers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
            }
        }
        TorchRuntime.Configure(threads);
        var logs = Directory.CreateTempSubdirectory("oml-train-loop-logs-");
        try
        {
            var overrides = Overrides(data, logs.FullName, epochs, workers);
            var pipelineConfig = TrainPipelineConfig.Load(config, overrides);
            var steps = new List<TrainStepCompleted>();
            var epochSeconds = new List<double>();
            CpuSnapshot cpuStart = default, cpuEnd = default;
            var progress = new SyncProgress(e =>
            {
                switch (e)
                {
                    case EpochStarted { Epoch: 0 }: cpuStart = CpuSnapshot.Take(); break;
                    case TrainStepCompleted step: steps.Add(step); break;
                    case EpochCompleted epoch:
                        epochSeconds.Add(epoch.Seconds);
                        cpuEnd = CpuSnapshot.Take();
                        break;
                }
            });
            TrainPipeline.Run(pipelineConfig, progress);
            var result = new LoopResult("csharp", steps.Select(s => s.StepSeconds).ToArray(), steps.Select(s => s.DataWaitSeconds).ToArray(),
                steps.Select(s => s.Epoch).ToArray(), [.. epochSeconds], ProcessMemory.PeakRssMb(), AllocatorInUse(), cpuEnd.OtherCoresSince(cpuStart),
                new Dictionary<string, string> { ["overrides"] = string.Join(" ", overrides.Select(o => o.Contains(' ') ? $"\"{o}\"" : o)) });
            Console.WriteLine("RESULT " + System.Text.Json.JsonSerializer.Serialize(result, Json));
            return 0;
        }
        finally
        {
            logs.Delete(recursive: true);
        }
    }

    private static string[] Overrides(string data, string logs, int epochs, int workers) =>
    [
        $"dataset_root={data}", $"dataframe_name={DataFrame}", $"logs_root={logs}", "logs_folder=run",
        $"num_workers={workers}", "cache_size=0",
        "transforms_train.name=norm_resize_torch", Inv($"transforms_train.args.im_size={ImageSize}"), Inv($"transforms_val.args.im_size={ImageSize}"),
        "optimizer.args.lr=1e-4", $"max_epochs={epochs}", "valid_period=1000", "log_images=false",
        // everything the Python loop fixes, so that a change of configs/train_mock_scratch.yaml cannot skew the comparison
        "sampler={name: balance, args: {n_labels: 8, n_instances: 4}}", "extractor.args.arch=resnet18", "extractor.args.gem_p=null",
        "extractor.args.normalise_features=true", "criterion={name: triplet_with_miner, args: {margin: 0.2, miner: {name: all_triplets, args: {}}}}",
        "optimizer.name=adam", "scheduling=null",
    ];

    private readonly record struct Summary(double PerStepMs, double MedianStepMs, double WaitShare, double WaitShareFirstEpoch, double MedianComputeMs);

    /// <summary>Epochs after the first: their training time per step, the median step, and the share of it spent waiting for data.</summary>
    private static Summary Summarise(LoopResult r)
    {
        var later = Enumerable.Range(0, r.StepSeconds.Length).Where(i => r.StepEpochs[i] > 0).ToArray();
        var first = Enumerable.Range(0, r.StepSeconds.Length).Where(i => r.StepEpochs[i] == 0).ToArray();
        var epochTime = r.EpochSeconds.Skip(1).Sum();
        return new Summary(
            epochTime / later.Length * 1e3,
            Median(later.Select(i => r.StepSeconds[i])) * 1e3,
            later.Sum(i => r.WaitSeconds[i]) / epochTime,
            first.Sum(i => r.WaitSeconds[i]) / r.EpochSeconds[0],
            Median(later.Select(i => r.StepSeconds[i] - r.WaitSeconds[i])) * 1e3);
    }

    private static string Report(Dictionary<string, List<LoopResult>> results, int rounds, int epochs, int workers, int threads, int stepsPerEpoch,
        int trainRows, int trainLabels, int validationRows, string allocator, bool python, string loadBefore, string loadAfter)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineDescription()}; load average before `{loadBefore}`, after `{loadAfter}`.");
        sb.AppendLine();
        sb.AppendLine($"Command: `dotnet run -c Release --project benchmarks/Oml.Benchmarks -- train-loop --rounds {rounds} --epochs {epochs} --workers {workers} --threads {threads}" +
                      (allocator == "glibc" ? " --allocator glibc" : "") + (python ? "" : " --no-python") + "`");
        sb.AppendLine();
        sb.AppendLine(Inv($"Data: `oml dataset mock` ({MockClasses} shapes x {MockPerClass} JPEGs, {ImageSize} px) in a temporary folder; `{DataFrame}` splits the {trainRows} train images into {trainLabels} labels of {ImagesPerLabel} (so a balance epoch has {stepsPerEpoch} batches of 8 labels x 4 instances instead of 2) and keeps {validationRows} validation images; both sides read it. ") +
                      Inv($"C#: `TrainPipeline.Run` (the code of `oml train`) in a fresh process with configs/train_mock_scratch.yaml and the overrides `{results["csharp"][0].Info?.GetValueOrDefault("overrides")}` ") +
                      "(resnet18 remove_fc with L2-normalised features, triplet margin 0.2 + all triplets, Adam, balance 8 x 4, norm_resize_torch 64 px, no byte cache; TrainBatchLoader prefetching 2 batches, each decoded on `num_workers` threads); " +
                      $"Python: [python/train_loop_reference.py](python/train_loop_reference.py) (PIL open + RGB + torchvision `Resize((64, 64))` + `ToTensor` + `Normalize(ImageNet)`, OML's balance sampling as a batch sampler, `DataLoader(num_workers={workers})` (worker processes started per epoch, PyTorch's default), the same ResNet as `train-step` + `F.normalize`, all-triplets loss, `torch.optim.Adam(lr=1e-4)`). " +
                      Inv($"{threads} torch threads in the training process on both sides; {epochs} epochs of {stepsPerEpoch} steps; the first epoch is the warm-up and is reported separately. ") +
                      "\"ms/step\" = training time of the later epochs (from the epoch's start, loader start-up included, to its last optimizer step; validation and checkpoints excluded) / their steps; " +
                      "\"waits\" = time the training loop spent waiting for its next batch / that time. " +
                      $"Allocator: **{allocator}** in both processes" + (allocator == "tcmalloc" ? $" (`LD_PRELOAD={Tcmalloc}`, inherited by Python's DataLoader workers)" : "") +
                      Inv($"; C# and Python alternate in each of {rounds} round(s), each after waiting (at most 30 s) for other processes to use less than {QuietCores} cores."));
        sb.AppendLine();
        sb.AppendLine("| side | ms/step, later epochs (per round) | median step ms | median step without the wait ms | waits, later epochs | waits, first epoch | first epoch s | peak RSS MB | allocator | other load (cores) |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var side in new[] { "csharp", "python" })
        {
            var runs = results[side];
            if (runs.Count == 0) continue;
            var s = runs.Select(Summarise).ToArray();
            sb.AppendLine(Inv($"| {(side == "csharp" ? "C# `TrainPipeline.Run`" : "PyTorch DataLoader loop")} | **{Median(s.Select(v => v.PerStepMs)):F1}** ({string.Join(", ", s.Select(v => Inv($"{v.PerStepMs:F1}")))}) | {Median(s.Select(v => v.MedianStepMs)):F1} | {Median(s.Select(v => v.MedianComputeMs)):F1} | ") +
                          Inv($"**{Median(s.Select(v => v.WaitShare)) * 100:F1} %** ({string.Join(", ", s.Select(v => Inv($"{v.WaitShare * 100:F1}")))}) | {Median(s.Select(v => v.WaitShareFirstEpoch)) * 100:F1} % | {Median(runs.Select(r => r.EpochSeconds[0])):F2} | {runs.Max(r => r.PeakRssMb):F0} | {string.Join("/", runs.Select(r => r.Allocator).Distinct())} | {string.Join(", ", runs.Select(r => Inv($"{r.OtherCores:F2}")))} |"));
        }
        sb.AppendLine();
        var cs = results["csharp"].Select(Summarise).ToArray();
        var csWait = Median(cs.Select(v => v.WaitShare));
        var line = Inv($"C# data waits: **{csWait * 100:F1} %** of the later epochs' training time (goal < 5 %: **{(csWait < 0.05 ? "met" : "missed")}**). ");
        if (python && results["python"].Count > 0)
        {
            var py = results["python"].Select(Summarise).ToArray();
            var perRound = cs.Zip(py, (c, p) => c.PerStepMs / p.PerStepMs).ToArray();
            var ratio = Median(perRound);
            line += Inv($"**C# / PyTorch = {ratio:F2}** per step including data loading (median of the per-round ratios {string.Join(", ", perRound.Select(v => Inv($"{v:F2}")))}; goal ≤ 1.05: **{(ratio <= 1.05 ? "met" : Inv($"missed by {(ratio - 1.05) * 100:F0} points"))}**); ") +
                    Inv($"median step without the wait: C# / PyTorch = {Median(cs.Select(v => v.MedianComputeMs)) / Median(py.Select(v => v.MedianComputeMs)):F2}. ");
            var info = results["python"][0].Info ?? [];
            line += $"Python: `{Python}`, PyTorch {info.GetValueOrDefault("torch")}, torchvision {info.GetValueOrDefault("torchvision")}, Pillow {info.GetValueOrDefault("pillow")}.";
        }
        sb.AppendLine(line);
        return sb.ToString();
    }
}
