using System.Diagnostics;
using System.Text;
using Oml.Losses;
using Oml.Miners;
using Oml.Models;
using Oml.Optimization;
using Oml.Registries;
using Oml.Runtime;
using static Oml.Benchmarks.BenchUtil;
using static TorchSharp.torch;

namespace Oml.Benchmarks;

/// <summary>
/// <c>triplet-loss</c>: the cost of <c>TripletLossWithMiner</c> + <c>AllTripletsMiner</c> in its two forms, side by side in
/// one process: the gather form (<see cref="GatherFormMiner"/>: three [T, D] tensors of triplet rows, the gradients
/// scattered back) and the distance-matrix form (d(a,p), d(a,n) read from the batch's [B, B] exact distance matrix by
/// the mined ids), on the main job's shape (features [64, 512] requiring grad, 8 labels x 8 instances, soft margin).
/// One timed step = loss forward (mining and logs included) + backward. With <c>--full-step</c> also a whole training
/// step: resnet18 (remove_fc) forward on a fixed [B, 3, 64, 64] batch, the loss, backward, Adam. The forms alternate in
/// every round (the order flips), and before each the driver waits for a quiet machine.
/// </summary>
internal static class TripletLossFormsBenchmark
{
    private const string Title = "Triplet loss: gather form vs distance-matrix form";

    private static readonly string[] Forms = ["gather", "matrix"];

    private sealed record Setup(Tensor Images, Tensor Features, Tensor Labels, long[] LabelList, double? Margin);

    public static int Run(string[] args)
    {
        if (!BenchOptions.TryParse(args, ["--labels", "--instances", "--dim", "--margin", "--steps", "--warmup", "--rounds", "--threads", "--full-steps"], ["--full-step", "--no-results-file"], out var options)) return 2;
        int labels = options.Int("--labels", 8), instances = options.Int("--instances", 8), dim = options.Int("--dim", 512);
        int steps = options.Int("--steps", 30), warmup = options.Int("--warmup", 5), rounds = options.Int("--rounds", 5), threads = options.Int("--threads", 2);
        var marginText = options.Text("--margin", "soft");
        var fullStep = options.Has("--full-step");
        var fullSteps = options.Int("--full-steps", 10);
        if (labels < 2 || instances < 2 || dim < 1 || steps < 1 || fullSteps < 1 || warmup < 0 || rounds < 1)
        {
            Console.Error.WriteLine("--labels and --instances must be at least 2, --dim, --steps, --full-steps and --rounds at least 1");
            return 2;
        }
        TorchRuntime.Configure(threads);
        var loadBefore = LoadAverage();
        var setup = MakeSetup(labels, instances, dim, marginText == "soft" ? null : double.Parse(marginText, System.Globalization.CultureInfo.InvariantCulture));
        var check = CheckFormsAgree(setup);

        var lossTimes = Forms.ToDictionary(f => f, _ => new List<double[]>());
        var stepTimes = Forms.ToDictionary(f => f, _ => new List<double[]>());
        var otherLoad = Forms.ToDictionary(f => f, _ => new List<double>());
        using var model = fullStep ? new ResnetExtractor("resnet18", gemP: null, removeFc: true, normalisation: FeatureNormalisation.None) : null;
        using var optimizer = model is null ? null : Registry.Optimizers.Create("adam", BlockArgs.From("optimizer.args", ("lr", 1e-4)), new OptimizerContext(model.parameters(), []));
        for (var round = 0; round < rounds; round++)
        {
            foreach (var form in round % 2 == 0 ? Forms : Forms.Reverse())
            {
                var waited = WaitForQuiet();
                using var criterion = Criterion(form, setup.Margin);
                var cpuStart = CpuSnapshot.Take();
                lossTimes[form].Add(Repeat(warmup, steps, () => LossStep(criterion, setup)));
                if (model is not null) stepTimes[form].Add(Repeat(Math.Min(warmup, 2), fullSteps, () => FullStep(model, optimizer!, criterion, setup)));
                otherLoad[form].Add(CpuSnapshot.Take().OtherCoresSince(cpuStart));
                Console.Error.WriteLine(Inv($"[{round + 1}/{rounds}] {form}: loss {Median(lossTimes[form][^1]):F2} ms") +
                                        (model is null ? "" : Inv($", full step {Median(stepTimes[form][^1]):F1} ms")) +
                                        Inv($", other load {otherLoad[form][^1]:F2} cores (waited {waited:F0} s)"));
            }
        }
        var report = Report(args, setup, check, lossTimes, model is null ? null : stepTimes, otherLoad, (threads, steps, fullSteps, warmup, rounds), loadBefore, LoadAverage());
        ResultsFile.Publish(Title, report, !options.Has("--no-results-file"));
        return 0;
    }

    private static Setup MakeSetup(int labels, int instances, int dim, double? margin)
    {
        manual_seed(0);
        var b = labels * instances;
        var labelList = Enumerable.Range(0, b).Select(i => (long)(i / instances)).ToArray();
        var features = randn(b, dim);
        var images = randn(b, 3, 64, 64);
        features.DetachFromDisposeScope();
        images.DetachFromDisposeScope();
        var y = tensor(labelList);
        y.DetachFromDisposeScope();
        return new Setup(images, features, y, labelList, margin);
    }

    private static TripletLossWithMiner Criterion(string form, double? margin) =>
        new(margin, form == "gather" ? new GatherFormMiner(new AllTripletsMiner()) : new AllTripletsMiner());

    /// <summary>Warm-up steps, then the timed ones; ms per timed step.</summary>
    private static double[] Repeat(int warmup, int steps, Action step)
    {
        var times = new double[steps];
        for (var i = 0; i < warmup + steps; i++)
        {
            var start = Stopwatch.GetTimestamp();
            step();
            if (i >= warmup) times[i - warmup] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return times;
    }

    private static void LossStep(TripletLossWithMiner criterion, Setup setup)
    {
        using var scope = NewDisposeScope();
        var x = setup.Features.detach().requires_grad_();
        var loss = criterion.forward(x, setup.Labels);
        loss.item<float>();
        loss.backward();
    }

    private static void FullStep(ResnetExtractor model, TrainingOptimizer optimizer, TripletLossWithMiner criterion, Setup setup)
    {
        using var scope = NewDisposeScope();
        optimizer.ZeroGrad();
        var loss = criterion.forward(model.forward(setup.Images), setup.Labels);
        loss.item<float>();
        loss.backward();
        optimizer.Step();
    }

    /// <summary>Both forms once on the features: loss, logs and gradient must agree (as the tests require), reported.</summary>
    private static string CheckFormsAgree(Setup setup)
    {
        using var scope = NewDisposeScope();
        var results = Forms.Select(form =>
        {
            using var criterion = Criterion(form, setup.Margin);
            var x = setup.Features.detach().clone().requires_grad_();
            var loss = criterion.forward(x, setup.Labels);
            loss.backward();
            return (Loss: loss.item<float>(), Gradient: x.grad!, Logs: new Dictionary<string, double>(criterion.LastLogs));
        }).ToArray();
        var (gather, matrix) = (results[0], results[1]);
        var gradientScale = gather.Gradient.abs().max().item<float>();
        var gradientDifference = (gather.Gradient - matrix.Gradient).abs().max().item<float>();
        var logs = string.Join(", ", gather.Logs.Keys.Order().Select(k => Inv($"{k} {gather.Logs[k]:G7} / {matrix.Logs[k]:G7}")));
        var text = Inv($"Check (float32): loss gather {gather.Loss:G8}, matrix {matrix.Loss:G8}; largest gradient difference {gradientDifference:G3} against a largest gradient of {gradientScale:G3}; logs gather / matrix: {logs}.");
        Console.Error.WriteLine(text);
        if (!(gradientDifference <= 1e-3 * gradientScale) || Math.Abs(gather.Loss - matrix.Loss) > 1e-4 * Math.Max(1, Math.Abs(gather.Loss)))
            throw new InvalidOperationException("the two forms disagree: " + text);
        return text;
    }

    private static string Report(string[] args, Setup setup, string check, Dictionary<string, List<double[]>> loss, Dictionary<string, List<double[]>>? step,
        Dictionary<string, List<double>> otherLoad, (int Threads, int Steps, int FullSteps, int Warmup, int Rounds) run, string loadBefore, string loadAfter)
    {
        var (threads, steps, fullSteps, warmup, rounds) = run;
        var b = setup.LabelList.Length;
        var triplets = AllTripletsMiner.CountTriplets(setup.LabelList);
        var sb = new StringBuilder();
        sb.AppendLine(Inv($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineDescription()}; load average before `{loadBefore}`, after `{loadAfter}`."));
        sb.AppendLine();
        sb.AppendLine(Inv($"Command: `dotnet run -c Release --project benchmarks/Oml.Benchmarks -- triplet-loss{(args.Length > 0 ? " " + string.Join(' ', args) : "")}`"));
        sb.AppendLine();
        sb.AppendLine(Inv($"`TripletLossWithMiner(margin {(setup.Margin is { } m ? Inv($"{m}") : "null (soft)")}, AllTripletsMiner)` on float32 features [{b}, {setup.Features.shape[1]}] requiring grad ") +
                      Inv($"({setup.LabelList.Distinct().Count()} labels x {b / setup.LabelList.Distinct().Count()}: {triplets} triplets, mined every step, with the loss's logs). ") +
                      Inv($"Gather form: the [T, D] anchor, positive and negative rows (`MinedTriplets.FromIds`, `LossFunctions.Triplet`), {3 * triplets * setup.Features.shape[1] * 4 / 1e6:F0} MB of triplet rows per step; ") +
                      "matrix form: `Distances.Pairwise` of the batch (exact, B x B) indexed by the ids (`LossFunctions.TripletFromDistances`). " +
                      Inv($"Loss step = forward + `item()` + backward, in a dispose scope. {threads} threads, allocator {AllocatorInUse()}; {warmup} warm-up and {steps} timed steps per form per round, the forms alternating in {rounds} rounds.") +
                      (step is null ? "" : Inv($" Full step = zero_grad, resnet18 (remove_fc, train mode, random init) forward on a fixed [B, 3, 64, 64] batch, the loss, backward, Adam (lr 1e-4); {Math.Min(warmup, 2)} warm-up and {fullSteps} timed steps per form per round.")));
        sb.AppendLine();
        sb.AppendLine("| what | form | median ms (per round) | min ms | other load (cores, per round) |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var (what, times) in new[] { ("loss forward + backward", loss), ("full step", step) })
        {
            if (times is null) continue;
            foreach (var form in Forms)
                sb.AppendLine(Inv($"| {what} | {form} | **{Median(times[form].Select(Median)):F2}** ({string.Join(", ", times[form].Select(r => Inv($"{Median(r):F2}")))}) | {times[form].SelectMany(r => r).Min():F2} | {string.Join(", ", otherLoad[form].Select(l => Inv($"{l:F2}")))} |"));
        }
        sb.AppendLine();
        foreach (var (what, times) in new[] { ("Loss forward + backward", loss), ("Full step", step) })
        {
            if (times is null) continue;
            var perRound = times["gather"].Zip(times["matrix"], (g, m) => Median(g) / Median(m)).ToArray();
            sb.AppendLine(Inv($"{what}: gather / matrix = **{Median(perRound):F2}** (per round {string.Join(", ", perRound.Select(r => Inv($"{r:F2}")))}), ") +
                          Inv($"{Median(times["gather"].Select(Median)) - Median(times["matrix"].Select(Median)):F1} ms saved per step."));
            sb.AppendLine();
        }
        sb.AppendLine(check);
        return sb.ToString();
    }
}
