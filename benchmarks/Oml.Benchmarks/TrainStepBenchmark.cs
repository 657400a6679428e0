using System.Diagnostics;
using System.Globalization;
using System.Text;
using Oml.Losses;
using Oml.Miners;
using Oml.Models;
using Oml.Optimization;
using Oml.Registries;
using Oml.Runtime;
using TorchSharp;
using static Oml.Benchmarks.BenchUtil;
using static TorchSharp.torch;

namespace Oml.Benchmarks;

/// <summary>
/// <c>train-step</c>: one training step of resnet18 (remove_fc, no normalisation) on a fixed random [32, 3, 64, 64]
/// batch (8 labels x 4 instances), TripletLossWithMiner(margin 0.2 or soft, AllTripletsMiner), Adam lr 1e-4, each step
/// in a dispose scope; against benchmarks/python/train_step_reference.py doing the same on Debian's PyTorch. Each side
/// runs in its own process (so the allocator can be preloaded), alternating C#, Python in every round. <c>--triplet-form</c>
/// picks how both sides compute the loss: <c>matrix</c> (the default, what TripletLossWithMiner does: distances read
/// from the batch's [B, B] matrix by the triplet ids) or <c>gather</c> (the triplets' [T, D] rows, <see cref="GatherFormMiner"/>).
/// </summary>
internal static class TrainStepBenchmark
{
    private const string Title = "Training step (resnet18, 64 px, batch 32, all triplets, Adam)";

    internal sealed record StepResult(
        string Side,
        double[] StepMs,
        double[] ForwardMs,
        double[] BackwardMs,
        double[] OptimizerMs,
        double RssStartMb,
        double RssWarmMb,
        double RssEndMb,
        double PeakRssMb,
        string Allocator,
        double LossFirst,
        double LossLast,
        long Triplets,
        double OtherCores,
        Dictionary<string, string>? Info);

    public static int Run(string[] args)
    {
        if (!BenchOptions.TryParse(args, ["--rounds", "--steps", "--warmup", "--threads", "--margin", "--allocator", "--triplet-form"], ["--no-python", "--no-results-file"], out var options)) return 2;
        int rounds = options.Int("--rounds", 3), steps = options.Int("--steps", 30), warmup = options.Int("--warmup", 5);
        var threadList = options.List("--threads", ["2"]).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var margin = options.Text("--margin", "0.2");
        var form = options.Text("--triplet-form", "matrix");
        if (form is not ("matrix" or "gather"))
        {
            Console.Error.WriteLine("--triplet-form must be matrix or gather");
            return 2;
        }
        var allocatorRequest = options.Text("--allocator");
        var python = !options.Has("--no-python");
        var writeResults = !options.Has("--no-results-file");
        var allocator = ChooseAllocator(allocatorRequest);
        var root = FindRepositoryRoot();
        var loadBefore = LoadAverage();
        var results = new Dictionary<(int Threads, string Side), List<StepResult>>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var threads in threadList)
            {
                foreach (var side in python ? new[] { "csharp", "python" } : ["csharp"])
                {
                    var waited = WaitForQuiet();
                    Console.Error.WriteLine(Inv($"[{round + 1}/{rounds}] {side}, {threads} thread(s) (waited {waited:F0} s for a quiet machine) ..."));
                    var common = new[] { "--steps", Str(steps), "--warmup", Str(warmup), "--threads", Str(threads), "--margin", margin, "--triplet-form", form };
                    var result = side == "python"
                        ? RunChild<StepResult>(Python, [Path.Combine(root, "benchmarks", "python", "train_step_reference.py"), .. common], threads, allocator)
                        : RunChild<StepResult>(SelfPath(), [.. SelfArgs(), "train-step-worker", .. common], threads, allocator);
                    Console.Error.WriteLine(Inv($"    median {Median(result.StepMs):F1} ms, min {result.StepMs.Min():F1} ms, RSS {result.RssWarmMb:F0} -> {result.RssEndMb:F0} MB, loss {result.LossFirst:F4} -> {result.LossLast:F4}, {result.Allocator}, other load {result.OtherCores:F2}"));
                    if (!results.TryGetValue((threads, side), out var list)) results[(threads, side)] = list = [];
                    list.Add(result);
                }
            }
        }
        var loadAfter = LoadAverage();
        var report = Report(results, threadList, rounds, steps, warmup, margin, form, allocator, python, loadBefore, loadAfter);
        ResultsFile.Publish(Title, report, writeResults);
        return 0;
    }

    /// <summary>One C# measurement in this process; prints a RESULT line.</summary>
    public static int Worker(string[] args)
    {
        int steps = 30, warmup = 5, threads = 2;
        string margin = "0.2", form = "matrix";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--steps": steps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--margin": margin = args[++i]; break;
                case "--triplet-form": form = args[++i]; break;
            }
        }
        TorchRuntime.Configure(threads);
        var rssStart = ProcessMemory.RssMb();
        manual_seed(0);
        var x = randn(32, 3, 64, 64);
        var labelList = Enumerable.Range(0, 32).Select(i => (long)(i / 4)).ToArray();
        var y = tensor(labelList);
        using var model = new ResnetExtractor("resnet18", gemP: null, removeFc: true, normalisation: FeatureNormalisation.None);
        model.train();
        var gatherForm = form == "gather" ? new GatherFormMiner(new AllTripletsMiner()) : null;
        using var criterion = new TripletLossWithMiner(margin == "soft" ? null : double.Parse(margin, CultureInfo.InvariantCulture), gatherForm ?? (ITripletMiner)new AllTripletsMiner());
        using var optimizer = Registry.Optimizers.Create("adam", BlockArgs.From("optimizer.args", ("lr", 1e-4)),
            new OptimizerContext(model.parameters(), criterion.parameters()));

        var stepMs = new List<double>();
        var forwardMs = new List<double>();
        var backwardMs = new List<double>();
        var optimizerMs = new List<double>();
        double lossFirst = double.NaN, lossLast = double.NaN, rssWarm = 0;
        CpuSnapshot cpuStart = default;
        for (var step = 0; step < warmup + steps; step++)
        {
            if (step == warmup)
            {
                rssWarm = ProcessMemory.RssMb();
                cpuStart = CpuSnapshot.Take();
            }
            var t0 = Stopwatch.GetTimestamp();
            long t1, t2;
            double loss;
            using (NewDisposeScope())
            {
                optimizer.ZeroGrad();
                var features = model.forward(x);
                var lossTensor = criterion.forward(features, y);
                loss = lossTensor.item<float>();
                t1 = Stopwatch.GetTimestamp();
                lossTensor.backward();
                t2 = Stopwatch.GetTimestamp();
                optimizer.Step();
            }
            var t3 = Stopwatch.GetTimestamp();
            if (step == 0) lossFirst = loss;
            lossLast = loss;
            if (step < warmup) continue;
            stepMs.Add(Stopwatch.GetElapsedTime(t0, t3).TotalMilliseconds);
            forwardMs.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
            backwardMs.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
            optimizerMs.Add(Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
        }
        var other = CpuSnapshot.Take().OtherCoresSince(cpuStart);
        var result = new StepResult("csharp", [.. stepMs], [.. forwardMs], [.. backwardMs], [.. optimizerMs], rssStart, rssWarm, ProcessMemory.RssMb(),
            ProcessMemory.PeakRssMb(), AllocatorInUse(), lossFirst, lossLast, gatherForm?.LastCount ?? criterion.LastTriplets.Anchors.Length, other,
            new Dictionary<string, string>
            {
                ["torch"] = "LibTorch " + torch.__version__ + " (TorchSharp 0.107.0)",
                ["threads"] = Str(torch.get_num_threads()),
                ["live_tensors"] = torch.Tensor.TotalCount.ToString(CultureInfo.InvariantCulture),
            });
        Console.WriteLine("RESULT " + System.Text.Json.JsonSerializer.Serialize(result, Json));
        return 0;
    }

    private static string Report(Dictionary<(int Threads, string Side), List<StepResult>> results, List<int> threadList, int rounds, int steps, int warmup,
        string margin, string form, string allocator, bool python, string loadBefore, string loadAfter)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineDescription()}; load average before `{loadBefore}`, after `{loadAfter}`.");
        sb.AppendLine();
        sb.AppendLine($"Command: `dotnet run -c Release --project benchmarks/Oml.Benchmarks -- train-step --rounds {rounds} --steps {steps} --warmup {warmup} --threads {string.Join(',', threadList)}" +
                      (margin != "0.2" ? $" --margin {margin}" : "") + (form != "matrix" ? $" --triplet-form {form}" : "") + (allocator == "glibc" ? " --allocator glibc" : "") + (python ? "" : " --no-python") + "`");
        sb.AppendLine();
        sb.AppendLine(Inv($"One step = zero_grad, resnet18 forward (torchvision layout, remove_fc, no feature normalisation, train mode) on a fixed [32, 3, 64, 64] randn batch (seed 0), ") +
                      $"TripletLossWithMiner(margin {margin}, AllTripletsMiner: all 2688 triplets of 8 labels x 4 instances, mined every step) with its active_tri/pos_dist/neg_dist logs, `loss.item()`, backward, Adam (lr 1e-4) step; " +
                      (form == "matrix"
                          ? "triplet form **matrix** on both sides (d(a,p), d(a,n) indexed from the batch's exact [B, B] distance matrix: C# `LossFunctions.TripletFromDistances`, Python `torch.cdist(..., compute_mode=\"donot_use_mm_for_euclid_dist\")`); "
                          : "triplet form **gather** on both sides (the triplets' [T, D] anchor, positive and negative rows); ") +
                      "C#: `Oml.Models.ResnetExtractor`, `Oml.Losses.TripletLossWithMiner`, Adam from `OptimizerRegistry`, each step in `NewDisposeScope`; " +
                      "Python: [python/train_step_reference.py](python/train_step_reference.py) (the ResNet of Oml.Interactive.Tests/Fixtures/models/make_model_fixtures.py, the same triplets in the same order, `torch.optim.Adam`). " +
                      Inv($"{warmup} warm-up steps, then {steps} timed steps per process; every process is fresh, C# and Python alternate in each of {rounds} round(s), and before each the driver waits (at most 30 s) for other processes to use less than {QuietCores} cores. ") +
                      $"Allocator: **{allocator}** in both processes" + (allocator == "tcmalloc" ? $" (`LD_PRELOAD={Tcmalloc}`; the C# process's glibc `mallopt` tuning is then moot)" : " (C#: glibc with the `mallopt` tuning of `TorchRuntime.Configure`; Python: plain glibc)") +
                      "; the allocator column is what each process found mapped in /proc/self/maps. OMP_NUM_THREADS = threads, OPENBLAS_NUM_THREADS = 1 (no BLAS in this model's step: no fc).");
        sb.AppendLine();
        sb.AppendLine("| threads | side | median ms/step (per round) | min ms | forward+loss / backward / Adam ms (medians) | RSS start → after warm-up → end MB | peak RSS MB | allocator | other load (cores) |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var threads in threadList)
        {
            foreach (var side in new[] { "csharp", "python" })
            {
                if (!results.TryGetValue((threads, side), out var runs)) continue;
                var all = runs.SelectMany(r => r.StepMs).ToArray();
                sb.AppendLine(Inv($"| {threads} | {(side == "csharp" ? "C# TorchSharp" : "PyTorch")} | **{Median(runs.Select(r => Median(r.StepMs))):F1}** ({string.Join(", ", runs.Select(r => Inv($"{Median(r.StepMs):F1}")))}) | {all.Min():F1} | ") +
                              Inv($"{Median(runs.SelectMany(r => r.ForwardMs)):F1} / {Median(runs.SelectMany(r => r.BackwardMs)):F1} / {Median(runs.SelectMany(r => r.OptimizerMs)):F1} | ") +
                              Inv($"{Median(runs.Select(r => r.RssStartMb)):F0} → {Median(runs.Select(r => r.RssWarmMb)):F0} → {Median(runs.Select(r => r.RssEndMb)):F0} | {runs.Max(r => r.PeakRssMb):F0} | {string.Join("/", runs.Select(r => r.Allocator).Distinct())} | {string.Join(", ", runs.Select(r => Inv($"{r.OtherCores:F2}")))} |"));
            }
        }
        sb.AppendLine();
        if (python)
        {
            foreach (var threads in threadList)
            {
                if (!results.TryGetValue((threads, "csharp"), out var cs) || !results.TryGetValue((threads, "python"), out var py)) continue;
                var perRound = cs.Zip(py, (c, p) => Median(c.StepMs) / Median(p.StepMs)).ToArray();
                var ratio = Median(perRound);
                var fwd = Median(cs.SelectMany(r => r.ForwardMs)) / Median(py.SelectMany(r => r.ForwardMs));
                var bwd = Median(cs.SelectMany(r => r.BackwardMs)) / Median(py.SelectMany(r => r.BackwardMs));
                var opt = Median(cs.SelectMany(r => r.OptimizerMs)) / Median(py.SelectMany(r => r.OptimizerMs));
                sb.AppendLine(Inv($"**{threads} thread(s): C# / PyTorch = {ratio:F2}** (median of the per-round ratios {string.Join(", ", perRound.Select(v => Inv($"{v:F2}")))}; goal ≤ 1.05: **{(ratio <= 1.05 ? "met" : Inv($"missed by {(ratio - 1.05) * 100:F0} points"))}**). ") +
                              Inv($"By part: forward+loss {fwd:F2}, backward {bwd:F2}, Adam {opt:F2}. "));
                sb.AppendLine();
            }
            var info = results.Values.SelectMany(r => r).FirstOrDefault(r => r.Side == "python")?.Info ?? [];
            var cs0 = results.Values.SelectMany(r => r).First(r => r.Side == "csharp");
            var py0 = results.Values.SelectMany(r => r).FirstOrDefault(r => r.Side == "python");
            var csInfo = cs0.Info ?? [];
            sb.AppendLine($"C#: {csInfo.GetValueOrDefault("torch")}, live tensors after the last step {csInfo.GetValueOrDefault("live_tensors")}. " +
                          $"Python: `{Python}`, PyTorch {info.GetValueOrDefault("torch")} ({PackageVersions("python3-torch", "libopenblas0-pthread")}; libblas.so.3 → `{Blas()}`), " +
                          $"oneDNN/mkldnn enabled: {info.GetValueOrDefault("mkldnn")}. The two sides run different LibTorch versions (2.10 vs 1.13): this compares the port against the PyTorch available here, not binding overhead alone. " +
                          Inv($"Losses at the first step: C# {cs0.LossFirst:F6}, PyTorch {py0?.LossFirst:F6} (same seed, same init order); the fixed batch is memorised within a few steps (loss 0 with margin 0.2, the backward pass still runs in full)."));
        }
        return sb.ToString();
    }
}
