using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Oml.Images;
using Oml.IO;
using Oml.Pipelines;
using Oml.Zoo;
using static Oml.Benchmarks.BenchUtil;

namespace Oml.Benchmarks;

/// <summary>
/// <c>main-job</c>: our main job end to end, as a user runs it (<c>./oml train &lt;config&gt; seed=S ...</c>, the whole
/// process timed, build check and start-up included), against a plain PyTorch script of the same recipe
/// (benchmarks/python/train_mock_reference.py) on the same data, seed by seed, C# and Python alternating, each after a
/// wait for a quiet machine. Recipes: <c>main</c> = configs/train_mock.yaml (ML.NET's pretrained ResNet-18, 64 px,
/// freeze_bn, 100 steps) and <c>scratch</c> = configs/train_mock_scratch.yaml (resnet18 from random init, 32 px, 600
/// steps). Every number the script needs comes from the loaded config, and the settings the script implements are
/// checked, so a change of a config cannot silently make the two sides run different recipes.
/// </summary>
internal static partial class MainJobBenchmark
{
    private const string Title = "Main job end to end (oml train vs a plain PyTorch script of the same recipe)";
    private const string Script = "benchmarks/python/train_mock_reference.py";
    private const string MockCommand = "dataset mock data/mock --classes 40 --per-class 100 --size 64 --if-absent";
    private static readonly string[] Packages = ["python3-torch", "python3-torchvision", "python3-pandas", "python3-pil", "python3-numpy", "libopenblas0-pthread"];
    private static readonly int[] DefaultSeeds = [42, 1, 2];
    private static readonly string[] MetricNames = ["OVERALL/cmc/1", "OVERALL/cmc/5", "OVERALL/precision/5", "OVERALL/map/5"];

    /// <summary>A recipe as both sides run it, read from its config (with the <c>--quick</c> overrides).</summary>
    private sealed record Recipe(string Name, string Config, string[] Overrides, string DatasetRoot, string DataFrame, int ImSize, double Lr,
        int Epochs, int ValidPeriod, int NLabels, int NInstances, int BatchSizeVal, bool FreezeBn, int StepsPerEpoch)
    {
        public bool Pretrained => Name == "main";
        public int Steps => Epochs * StepsPerEpoch;
        public int Validations => Enumerable.Range(0, Epochs).Count(e => (e + 1) % ValidPeriod == 0 || e == Epochs - 1);
    }

    /// <summary>One run of one side; seconds are NaN where that side has no such figure.</summary>
    private sealed record SideRun(string Side, int Seed, double WallSeconds, double TrainSeconds, double ValidationSeconds, double InRunSeconds,
        double ImportSeconds, double LoadSeconds, int Steps, int Validations, Dictionary<string, double> Metrics, double CpuSeconds, double OtherCores,
        string Allocator);

    private sealed record ScriptValidation(int Epoch, int Step, double Seconds, Dictionary<string, double> Metrics);

    private sealed record ScriptResult(int Steps, ScriptValidation[] Validations, double ImportSeconds, double LoadSeconds, double BuildSeconds,
        double TrainSeconds, double ValidationSeconds, double InRunSeconds, int Threads, string Allocator, double PeakRssMb, Dictionary<string, string> Info);

    public static int Run(string[] args)
    {
        if (!BenchOptions.TryParse(args, ["--seeds", "--recipes", "--threads"], ["--quick", "--no-results-file"], out var options)) return 2;
        var seedCount = options.Int("--seeds", DefaultSeeds.Length);
        var seeds = DefaultSeeds.Concat(Enumerable.Range(3, Math.Max(0, seedCount - DefaultSeeds.Length))).Take(seedCount).ToArray();
        var recipeNames = options.List("--recipes", ["main", "scratch"]);
        var threads = options.Int("--threads", 2);
        var quick = options.Has("--quick");
        var writeResults = !options.Has("--no-results-file");
        if (seeds.Length == 0 || recipeNames.Any(r => r is not ("main" or "scratch")))
        {
            Console.Error.WriteLine("--seeds must be at least 1 and --recipes a list of main, scratch");
            return 2;
        }

        var root = FindRepositoryRoot();
        var oml = Path.Combine(root, "oml");
        var packages = EnsureDebianPython(Packages, "nothing (the Python side is the point of this benchmark)");
        var loadBefore = LoadAverage();
        // the data the configs name (dataset_root: data/mock); this also builds the CLI, so the first timed run only checks it
        Console.Error.WriteLine($"./oml {MockCommand}");
        Check(oml, MockCommand.Split(' '));
        var work = Directory.CreateTempSubdirectory("oml-main-job-bench-");
        try
        {
            var recipes = recipeNames.Distinct().Select(n => ReadRecipe(n, root, quick)).ToArray();
            var startup = MeasureStartup(root, oml);
            Console.Error.WriteLine(Inv($"./oml info: {startup.InfoSeconds:F2} s (median of 3), the build check alone: {startup.BuildSeconds:F2} s; {startup.Threads}"));

            string? weights = null, meanImage = null;
            string? untrained = null;
            if (recipes.FirstOrDefault(r => r.Pretrained) is { } main)
            {
                weights = MlNetResnet18.WeightsFile(); // converted once into ~/.cache/oml, as the first `oml train` would
                meanImage = ExportMeanImage(main.ImSize, work.FullName);
                untrained = UntrainedCheck(main, root, work.FullName, weights, meanImage, threads);
            }

            var runs = recipes.ToDictionary(r => r.Name, _ => new Dictionary<string, List<SideRun>> { ["oml"] = [], ["script"] = [] });
            foreach (var seed in seeds)
            {
                foreach (var recipe in recipes)
                {
                    foreach (var side in new[] { "oml", "script" })
                    {
                        var waited = WaitForQuiet();
                        Console.Error.WriteLine(Inv($"[seed {seed}] {recipe.Name}, {side} (waited {waited:F0} s for a quiet machine) ..."));
                        var run = side == "oml"
                            ? RunOurs(recipe, seed, root, oml, work.FullName)
                            : RunScript(recipe, seed, root, threads, weights, meanImage);
                        Console.Error.WriteLine(Inv($"    wall {run.WallSeconds:F1} s, CPU {run.CpuSeconds:F1} s (training {run.TrainSeconds:F1} s, validations {run.ValidationSeconds:F1} s), {run.Steps} steps, {run.Validations} validations, cmc/1 {run.Metrics["OVERALL/cmc/1"]:F4}, other load {run.OtherCores:F2}"));
                        if (run.Steps != recipe.Steps || run.Validations != recipe.Validations)
                            throw new InvalidOperationException(Inv($"{side} ran {run.Steps} steps and {run.Validations} validations; the config says {recipe.Steps} and {recipe.Validations}"));
                        runs[recipe.Name][side].Add(run);
                    }
                }
            }
            var report = Report(recipes, runs, seeds, quick, threads, startup, untrained, packages, loadBefore, LoadAverage());
            ResultsFile.Publish(Title, report, writeResults);
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The recipe of <c>configs/train_mock[_scratch].yaml</c> as loaded by <see cref="TrainPipelineConfig.Load"/>; throws when
    /// the config asks for something the script does not implement.
    /// </summary>
    private static Recipe ReadRecipe(string name, string root, bool quick)
    {
        var config = name == "main" ? "configs/train_mock.yaml" : "configs/train_mock_scratch.yaml";
        string[] overrides = quick ? ["max_epochs=5", "valid_period=5"] : [];
        var loaded = TrainPipelineConfig.Load(Path.Combine(root, config), overrides);
        var v = loaded.Values;
        var problems = new List<string>();
        void Expect(string path, string expected)
        {
            var actual = Text(v, path);
            if (actual != expected) problems.Add($"{path} is '{actual}', the script implements '{expected}'");
        }
        Expect("sampler.name", "balance");
        Expect("extractor.name", "resnet");
        Expect("extractor.args.arch", name == "main" ? "resnet18_mlnet" : "resnet18");
        Expect("extractor.args.weights", name == "main" ? MlNetResnet18.ZooKey : "");
        Expect("extractor.args.remove_fc", "true");
        Expect("extractor.args.normalise_features", "false");
        Expect("extractor.args.gem_p", "");
        Expect("criterion.name", "triplet_with_miner");
        Expect("criterion.args.margin", "");
        Expect("criterion.args.reduction", "mean");
        Expect("criterion.args.miner.name", "all_triplets");
        Expect("optimizer.name", "adam");
        Expect("scheduling", "");
        var transform = name == "main" ? "norm_resize_mlnet" : "norm_resize_torch";
        Expect("transforms_train.name", transform);
        Expect("transforms_val.name", transform);
        Expect("transforms_val.args.im_size", Text(v, "transforms_train.args.im_size"));
        if (At(v, "optimizer.args") is IReadOnlyDictionary<string, object?> optimizerArgs && optimizerArgs.Keys.Any(k => k != "lr"))
            problems.Add($"optimizer.args has {string.Join(", ", optimizerArgs.Keys)}; the script sets lr only");
        if (name == "main" && Text(v, "transforms_train.args.mean_image") is not ("" or "true")) problems.Add("transforms_train.args.mean_image must be true");
        if (problems.Count > 0) throw new InvalidOperationException($"{config}: {string.Join("; ", problems)}");

        var datasetRoot = Path.GetFullPath(Path.Combine(root, loaded.DatasetRoot));
        var nLabels = int.Parse(Text(v, "sampler.args.n_labels"), CultureInfo.InvariantCulture);
        var lines = File.ReadLines(Path.Combine(datasetRoot, loaded.DataframeName)).ToArray();
        var header = lines[0].Split(',');
        int labelColumn = Array.IndexOf(header, "label"), splitColumn = Array.IndexOf(header, "split");
        var trainLabels = lines.Skip(1).Select(l => l.Split(',')).Where(c => c[splitColumn] == "train").Select(c => c[labelColumn]).Distinct().Count();
        return new Recipe(name, config, overrides, datasetRoot, loaded.DataframeName,
            int.Parse(Text(v, "transforms_train.args.im_size"), CultureInfo.InvariantCulture),
            double.Parse(Text(v, "optimizer.args.lr"), CultureInfo.InvariantCulture), loaded.MaxEpochs, loaded.ValidPeriod, nLabels,
            int.Parse(Text(v, "sampler.args.n_instances"), CultureInfo.InvariantCulture), loaded.BatchSizeVal,
            Text(v, "extractor.args.freeze_bn") == "true", trainLabels / nLabels);
    }

    private static object? At(IReadOnlyDictionary<string, object?> values, string path)
    {
        object? node = values;
        foreach (var key in path.Split('.'))
        {
            if (node is not IReadOnlyDictionary<string, object?> map || !map.TryGetValue(key, out node)) return null;
        }
        return node;
    }

    /// <summary>A config value as text: "" for null or absent, lower-case booleans, invariant numbers.</summary>
    private static string Text(IReadOnlyDictionary<string, object?> values, string path) => At(values, path) switch
    {
        null => "",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString() ?? "",
    };

    private sealed record Startup(double InfoSeconds, double BuildSeconds, string Threads);

    /// <summary>
    /// What `./oml` costs before any work: `./oml info` (the build check, .NET start-up, loading LibTorch) and the build
    /// check alone (`dotnet build` of an up-to-date CLI, as ./oml runs it), medians of 3.
    /// </summary>
    private static Startup MeasureStartup(string root, string oml)
    {
        var info = new List<double>();
        var build = new List<double>();
        var threads = "";
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            var output = Capture(oml, "info");
            info.Add(watch.Elapsed.TotalSeconds);
            threads = Regex.Match(output, @"LibTorch [^,│]+, \d+ thread\(s\)").Value;
            watch.Restart();
            Capture("dotnet", "build", Path.Combine(root, "Oml.Cli", "Oml.Cli.csproj"), "-c", "Release", "--nologo", "-v", "q");
            build.Add(watch.Elapsed.TotalSeconds);
        }
        return new Startup(Median(info), Median(build), threads);
    }

    /// <summary>The mean image <c>norm_resize_mlnet</c> subtracts at <paramref name="size"/> px ([3, S*S], B, G, R), as our transform computes it.</summary>
    private static string ExportMeanImage(int size, string folder)
    {
        // what ImageTransformRegistry's norm_resize_mlnet builds (mean_image: true)
        var transform = new MeanImageResizeTransform(size, MlNetResnet18.MeanImage(), MlNetResnet18.ImageSize);
        var path = Path.Combine(folder, Str($"mean_image_{size}.npy"));
        NpyFile.WriteMatrix(path, new NpyArray(transform.MeanImage.ToArray(), 3, size * size));
        return path;
    }

    /// <summary>
    /// Both sides' validation of the untrained main-job network (the pretrained backbone as loaded, before any step):
    /// ours is <c>ValidatePipeline</c> (the code of <c>oml validate</c>) with the train config's data, transform, extractor
    /// and batch size; the script's is its <c>--epochs 0</c>. Their cmc/1 must agree within 1e-3.
    /// </summary>
    private static string UntrainedCheck(Recipe recipe, string root, string work, string weights, string meanImage, int threads)
    {
        Console.Error.WriteLine("untrained network, both sides ...");
        var config = TrainPipelineConfig.Load(Path.Combine(root, recipe.Config), recipe.Overrides);
        string[] overrides =
        [
            $"dataset_root={recipe.DatasetRoot}", $"dataframe_name={recipe.DataFrame}", "log_images=false", $"save_dir={Path.Combine(work, "validate")}",
            $"transforms_val.name={config.TransformsVal.Name}", Str($"transforms_val.args.im_size={recipe.ImSize}"), Str($"bs_val={recipe.BatchSizeVal}"),
            "extractor.args.arch=resnet18_mlnet", $"extractor.args.weights={MlNetResnet18.ZooKey}", "extractor.args.remove_fc=true",
            "extractor.args.normalise_features=false", "extractor.args.gem_p=null", "metric_args.fmr_vals=[]", "postprocessor=null",
        ];
        var ours = ValidatePipeline.Run(ValidatePipelineConfig.Load(Path.Combine(root, "configs", "validate_mock.yaml"), overrides)).Result.Metrics;
        var script = RunScriptProcess(recipe, 0, root, threads, weights, meanImage, epochs: 0).Result.Validations[0].Metrics;
        var difference = Math.Abs(ours["OVERALL/cmc/1"] - script["OVERALL/cmc/1"]);
        var verdict = difference <= 1e-3 ? "**match**" : "**differ**";
        var line = Inv($"Untrained main-job network (the pretrained backbone before any step, {recipe.ImSize} px): ours (`ValidatePipeline`, the code of `oml validate`) ") +
                   string.Join(", ", MetricNames.Select(m => Inv($"{Short(m)} {ours[m]:F4}"))) + "; script " +
                   string.Join(", ", MetricNames.Select(m => Inv($"{Short(m)} {script[m]:F4}"))) +
                   Inv($": |Δ cmc/1| = {difference:F4}, {verdict} (tolerance 1e-3).");
        Console.Error.WriteLine("    " + line);
        if (difference > 1e-3) Console.Error.WriteLine("    WARNING: the two sides do not start from the same network");
        return line;
    }

    /// <summary>One `./oml train` process, timed from its start to its exit; figures from its output and its log.csv.</summary>
    private static SideRun RunOurs(Recipe recipe, int seed, string root, string oml, string work)
    {
        var logs = Path.Combine(work, Str($"logs-{recipe.Name}-{seed}"));
        string[] arguments = ["train", recipe.Config, Str($"seed={seed}"), $"logs_root={logs}", "logs_folder=run", .. recipe.Overrides];
        var (wall, cpu, other, output) = RunTimed(oml, arguments, root, _ => { });
        double train = 0, validation = 0;
        foreach (var line in output)
        {
            if (EpochLine().Match(line) is { Success: true } e) train += double.Parse(e.Groups[1].Value, CultureInfo.InvariantCulture);
            if (ValidationLine().Match(line) is { Success: true } v) validation += double.Parse(v.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        // log.csv: time,epoch,step,kind,name,value; time counts from the run log's creation
        var rows = File.ReadLines(Path.Combine(logs, "run", "log.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        var valRows = rows.Where(r => r[3] == "val").ToArray();
        var lastStep = valRows.Max(r => long.Parse(r[2], CultureInfo.InvariantCulture));
        var metrics = valRows.Where(r => long.Parse(r[2], CultureInfo.InvariantCulture) == lastStep && MetricNames.Contains(r[4]))
            .ToDictionary(r => r[4], r => double.Parse(r[5], CultureInfo.InvariantCulture));
        var steps = rows.Where(r => r[3] == "train").Select(r => long.Parse(r[2], CultureInfo.InvariantCulture)).Distinct().Count();
        var validations = valRows.Select(r => r[2]).Distinct().Count();
        var inRun = rows.Max(r => double.Parse(r[0], CultureInfo.InvariantCulture));
        Directory.Delete(logs, recursive: true);
        return new SideRun("oml", seed, wall, train, validation, inRun, double.NaN, double.NaN, steps, validations, metrics, cpu, other,
            File.Exists(Tcmalloc) && Environment.GetEnvironmentVariable("OML_NO_TCMALLOC") is null ? "tcmalloc" : "glibc");
    }

    private static SideRun RunScript(Recipe recipe, int seed, string root, int threads, string? weights, string? meanImage)
    {
        var (wall, cpu, other, result) = RunScriptProcess(recipe, seed, root, threads, weights, meanImage, recipe.Epochs);
        var last = result.Validations[^1].Metrics;
        return new SideRun("script", seed, wall, result.TrainSeconds, result.ValidationSeconds, result.InRunSeconds, result.ImportSeconds,
            result.LoadSeconds + result.BuildSeconds, result.Steps, result.Validations.Length, MetricNames.ToDictionary(m => m, m => last[m]), cpu, other,
            result.Allocator);
    }

    private static (double Wall, double Cpu, double Other, ScriptResult Result) RunScriptProcess(Recipe recipe, int seed, string root, int threads,
        string? weights, string? meanImage, int epochs)
    {
        List<string> arguments =
        [
            Path.Combine(root, Script), "--recipe", recipe.Name, "--data", recipe.DatasetRoot, "--dataframe", recipe.DataFrame,
            "--im-size", Str(recipe.ImSize), "--lr", recipe.Lr.ToString("R", CultureInfo.InvariantCulture), "--epochs", Str(epochs),
            "--valid-period", Str(recipe.ValidPeriod), "--n-labels", Str(recipe.NLabels), "--n-instances", Str(recipe.NInstances),
            "--bs-val", Str(recipe.BatchSizeVal), "--seed", Str(seed), "--threads", Str(threads),
        ];
        if (recipe.FreezeBn) arguments.Add("--freeze-bn");
        if (recipe.Pretrained) arguments.AddRange(["--weights", weights!, "--mean-image", meanImage!]);
        var (wall, cpu, other, output) = RunTimed(Python, arguments, root, environment =>
        {
            environment["OMP_NUM_THREADS"] = Str(threads);
            environment["OPENBLAS_NUM_THREADS"] = "1"; // docs/native-runtime.md §3: otherwise OpenBLAS adds its own threads
            environment["MKL_NUM_THREADS"] = Str(threads);
            // the allocator ./oml preloads when it is installed (see the oml script), so both sides have the same one
            if (File.Exists(Tcmalloc) && Environment.GetEnvironmentVariable("OML_NO_TCMALLOC") is null) environment["LD_PRELOAD"] = Tcmalloc;
            else environment.Remove("LD_PRELOAD");
        });
        var json = output.LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
                   ?? throw new InvalidOperationException($"{Script} printed no RESULT line");
        return (wall, cpu, other, JsonSerializer.Deserialize<ScriptResult>(json[7..], Json)!);
    }

    /// <summary>
    /// Runs a child to its exit and times it; echoes its output indented (and returns it). CPU = the user + system time
    /// of the child and its waited-for children (getrusage RUSAGE_CHILDREN); other load = the machine's busy CPU time
    /// during the run minus that CPU time and this process's own, per second of wall time.
    /// </summary>
    private static (double Wall, double Cpu, double OtherCores, List<string> Output) RunTimed(string file, IEnumerable<string> arguments, string workingDirectory,
        Action<IDictionary<string, string?>> setEnvironment)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        setEnvironment(start.Environment);
        var output = new List<string>();
        var cpuBefore = CpuSnapshot.Take();
        var childrenBefore = ChildrenCpuSeconds();
        var watch = Stopwatch.StartNew();
        using (var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}"))
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                output.Add(line);
                if (!line.StartsWith("RESULT ", StringComparison.Ordinal)) Console.WriteLine("    " + line);
            }
            process.WaitForExit();
            watch.Stop();
            if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed (exit code {process.ExitCode})");
        }
        var cpuAfter = CpuSnapshot.Take();
        var wall = watch.Elapsed.TotalSeconds;
        var cpu = ChildrenCpuSeconds() - childrenBefore;
        var other = Math.Max(0, cpuAfter.MachineBusySeconds - cpuBefore.MachineBusySeconds - (cpuAfter.OwnSeconds - cpuBefore.OwnSeconds) - cpu) / wall;
        return (wall, cpu, other, output);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRss, Ixrss, Idrss, Isrss, Minflt, Majflt, Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals, Nvcsw, Nivcsw;
    }

    [LibraryImport("libc")]
    private static partial int getrusage(int who, out RUsage usage);

    private static double ChildrenCpuSeconds()
    {
        const int RusageChildren = -1;
        if (getrusage(RusageChildren, out var u) != 0) return 0;
        return u.UserSeconds + u.UserMicroseconds / 1e6 + u.SystemSeconds + u.SystemMicroseconds / 1e6;
    }

    [GeneratedRegex(@"^epoch \d+: loss \S+, ([0-9.]+) s,")]
    private static partial Regex EpochLine();

    [GeneratedRegex(@"^validation after epoch \d+: .*, ([0-9.]+) s$")]
    private static partial Regex ValidationLine();

    private static string Short(string metric) => metric["OVERALL/".Length..];

    private static string Report(Recipe[] recipes, Dictionary<string, Dictionary<string, List<SideRun>>> runs, int[] seeds, bool quick, int threads,
        Startup startup, string? untrained, string packages, string loadBefore, string loadAfter)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineDescription()}; load average before `{loadBefore}`, after `{loadAfter}`.");
        sb.AppendLine();
        sb.AppendLine("Command: `dotnet run -c Release --project benchmarks/Oml.Benchmarks -- main-job" +
                      (seeds.Length != DefaultSeeds.Length ? Str($" --seeds {seeds.Length}") : "") +
                      (recipes.Length != 2 ? $" --recipes {string.Join(',', recipes.Select(r => r.Name))}" : "") +
                      (threads != 2 ? Str($" --threads {threads}") : "") + (quick ? " --quick" : "") + "`" +
                      (quick ? " (**quick**: max_epochs=5 valid_period=5 on both sides, not the real recipes)" : ""));
        sb.AppendLine();
        sb.AppendLine("Both sides train on `data/mock` (`./oml " + MockCommand + "`; 20 train shapes, 2000 validation images of 20 unseen shapes, `df_with_bboxes.csv` boxes), " +
                      Inv($"seeds {string.Join(", ", seeds)}, ours then the script's for each seed and recipe, each after waiting (at most 30 s) for other processes to use less than {QuietCores} cores. ") +
                      "**Ours** = `./oml train <config> seed=S logs_root=<temp> logs_folder=run`, exactly as a user runs it: the `oml` script's build check of the CLI, .NET start-up, " +
                      "the run with its own data loading (decode + crop + resize on `num_workers` threads in the first epoch and validation, from memory after that: `tensor_cache_mb`), checkpoints, TensorBoard and log.csv, the worst-query figures (`log_images: true`); " +
                      "the wall time is the whole process. **Script** = `/usr/bin/python3` [python/train_mock_reference.py](python/train_mock_reference.py): the same recipe in plain PyTorch " +
                      "(all crops decoded once into a tensor with PIL, torchvision's ResNet, OML's balance sampling, soft-margin triplets over all triplets from one exact distance matrix, Adam, " +
                      "the same validations with OML's metrics), every number taken from the loaded config; wall time = the whole process, interpreter and `import torch` included. " +
                      Inv($"Threads: ours LibTorch's default ({startup.Threads}), the script `torch.set_num_threads({threads})`, `OMP_NUM_THREADS={threads}`, `OPENBLAS_NUM_THREADS=1`; ") +
                      $"allocator: {string.Join(", ", runs.Values.SelectMany(r => r.Values).SelectMany(l => l).Select(r => $"{(r.Side == "oml" ? "ours" : "script")} {r.Allocator}").Distinct())} " +
                      "(`./oml` preloads tcmalloc when installed; the script gets the same `LD_PRELOAD`). " +
                      "Training = the epochs' time (ours: the sum of the CLI's per-epoch times; script: its loop), validations = their time (ours: as the CLI reports them, worst-query figures included); " +
                      "the rest = wall − training − validations: start-up, set-up, data loading (script), checkpoints (ours); CPU = user + system time of the process and its waited-for children (`getrusage(RUSAGE_CHILDREN)`; ours includes the build check's `dotnet build`), less sensitive than wall time to other load. Metrics are those of the last validation, mean ± standard deviation over the seeds.");
        sb.AppendLine();
        sb.AppendLine(Inv($"`./oml info` (the build check, .NET start-up, LibTorch loaded, nothing else): {startup.InfoSeconds:F2} s; the build check alone (`dotnet build` of the up-to-date CLI): {startup.BuildSeconds:F2} s (medians of 3)."));
        sb.AppendLine();
        sb.AppendLine("| recipe | side | wall s per run | **median wall s** | training s | validations s | the rest s | CPU s | steps / validations | OVERALL/cmc/1 | cmc/5 | precision/5 | map/5 | other load (cores) |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        var summaries = new List<string>();
        foreach (var recipe in recipes)
        {
            foreach (var side in new[] { "oml", "script" })
            {
                var list = runs[recipe.Name][side];
                string M(Func<SideRun, double> f) => Inv($"{Median(list.Select(f)):F1}");
                sb.AppendLine(Inv($"| {recipe.Name} (`{recipe.Config}`) | {(side == "oml" ? "ours (`./oml train`)" : "PyTorch script")} | {string.Join(", ", list.Select(r => Inv($"{r.WallSeconds:F1}")))} | **{Median(list.Select(r => r.WallSeconds)):F1}** | ") +
                              Inv($"{M(r => r.TrainSeconds)} | {M(r => r.ValidationSeconds)} | {M(r => r.WallSeconds - r.TrainSeconds - r.ValidationSeconds)} | {M(r => r.CpuSeconds)} | {list[0].Steps} / {list[0].Validations} | ") +
                              string.Join(" | ", MetricNames.Select(m => MeanSpread(list.Select(r => r.Metrics[m]).ToArray()))) +
                              $" | {string.Join(", ", list.Select(r => Inv($"{r.OtherCores:F2}")))} |");
            }
            var ours = runs[recipe.Name]["oml"];
            var script = runs[recipe.Name]["script"];
            var ratio = Median(ours.Select(r => r.WallSeconds)) / Median(script.Select(r => r.WallSeconds));
            var perSeed = ours.Zip(script, (o, s) => o.WallSeconds / s.WallSeconds);
            var s0 = script;
            summaries.Add(Inv($"**{recipe.Name}: ours / script = {ratio:F2}** (median wall; per seed {string.Join(", ", perSeed.Select(v => Inv($"{v:F2}")))}). ") +
                          Inv($"CPU ours / script = {Median(ours.Select(r => r.CpuSeconds)) / Median(script.Select(r => r.CpuSeconds)):F2}; training ours / script = {Median(ours.Select(r => r.TrainSeconds)) / Median(script.Select(r => r.TrainSeconds)):F2}, validations {Median(ours.Select(r => r.ValidationSeconds)) / Median(script.Select(r => r.ValidationSeconds)):F2}. ") +
                          Inv($"Ours outside its log (wall − log.csv's last time stamp: build check, start-up, set-up before the run log, the last figures and checkpoints): {Median(ours.Select(r => r.WallSeconds - r.InRunSeconds)):F1} s of {Median(ours.Select(r => r.WallSeconds)):F1}; ") +
                          Inv($"script: interpreter + imports {Median(s0.Select(r => r.WallSeconds - r.InRunSeconds)):F1} s (imports alone {Median(s0.Select(r => r.ImportSeconds)):F1}), decoding all crops + building the model {Median(s0.Select(r => r.LoadSeconds)):F1} s. ") +
                          "Quality: " + string.Join(", ", MetricNames.Select(m => Inv($"{Short(m)} {ours.Average(r => r.Metrics[m]) - script.Average(r => r.Metrics[m]):+0.000;-0.000;0.000}"))) +
                          " (ours − script, means)" + NoiseVerdict(ours, script) + ".");
        }
        sb.AppendLine();
        foreach (var s in summaries) sb.AppendLine(s).AppendLine();
        if (untrained is not null) sb.AppendLine(untrained).AppendLine();
        sb.AppendLine($"Python: `{Python}`; {packages}.");
        return sb.ToString();
    }

    /// <summary>"within noise" when the difference of the mean cmc/1 is at most twice the larger standard deviation of the two sides.</summary>
    private static string NoiseVerdict(List<SideRun> ours, List<SideRun> script)
    {
        if (ours.Count < 2) return "; one seed, so no noise estimate";
        static double Sd(IEnumerable<double> v)
        {
            var a = v.ToArray();
            var mean = a.Average();
            return Math.Sqrt(a.Sum(x => (x - mean) * (x - mean)) / (a.Length - 1));
        }
        var metric = "OVERALL/cmc/1";
        var difference = Math.Abs(ours.Average(r => r.Metrics[metric]) - script.Average(r => r.Metrics[metric]));
        var noise = Math.Max(Sd(ours.Select(r => r.Metrics[metric])), Sd(script.Select(r => r.Metrics[metric])));
        return Inv($"; cmc/1 {(difference <= 2 * noise ? "**within noise**" : "**outside noise**")} (|Δ| {difference:F3} vs 2 × the larger seed-to-seed sd {2 * noise:F3})");
    }
}
