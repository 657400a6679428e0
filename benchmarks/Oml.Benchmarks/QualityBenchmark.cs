using System.Diagnostics;
using System.Globalization;
using System.Text;
using Oml.Data.Sources;
using Oml.Pipelines;
using static Oml.Benchmarks.BenchUtil;

namespace Oml.Benchmarks;

/// <summary>
/// <c>quality</c>: what the pretrained ML.NET ResNet-18 buys on two open splits (validation classes never trained on):
/// the mock set's boxes (the main job's data) and Fashion-MNIST (train classes 0-4, validate 5-9), and on Fashion-MNIST's
/// closed split (all 10 classes, validation images from the test file) for contrast. Per dataset: random
/// initialisation trained with its own recipe (configs/train_mock_scratch.yaml, 600 steps), the pretrained backbone
/// zero-shot, fine-tuned with the main job's recipe (configs/train_mock.yaml, 100 steps) and the same with the batch
/// norms' statistics left to update. Each training runs with several seeds; the table gives mean and spread of the
/// final validation and the wall time of a run (training + validations), all in this process, one after the other.
/// </summary>
internal static class QualityBenchmark
{
    private const string Title = "Pretrained backbone: random init vs zero-shot vs fine-tuned (open splits)";

    private sealed record Dataset(string Name, string Root, string DataFrame, int StepsPerEpoch, string[] Overrides);

    private sealed record Condition(string Name, string? TrainConfig, int Steps, string[] Overrides);

    private sealed record Outcome(double Cmc1, double Map5, double Seconds);

    public static int Run(string[] args)
    {
        if (!BenchOptions.TryParse(args, ["--seeds", "--datasets"], ["--no-results-file"], out var options)) return 2;
        var seeds = options.Int("--seeds", 3);
        var datasets = options.List("--datasets", ["mock", "fashion-mnist", "fashion-mnist-closed"]);
        var writeResults = !options.Has("--no-results-file");

        var work = Path.Combine(Path.GetTempPath(), "oml-quality-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(work);
        try
        {
            var rows = new List<string>();
            foreach (var name in datasets)
            {
                var dataset = Prepare(name, work);
                foreach (var condition in Conditions())
                {
                    var outcomes = new List<Outcome>();
                    var runs = condition.TrainConfig is null ? 1 : seeds; // zero-shot has nothing random
                    for (var seed = 0; seed < runs; seed++)
                    {
                        var outcome = condition.TrainConfig is null ? ZeroShot(dataset, work) : Train(dataset, condition, seed, work);
                        Console.WriteLine(Str($"{dataset.Name} | {condition.Name} | seed {seed}: cmc/1 {outcome.Cmc1:0.0000}, map/5 {outcome.Map5:0.0000}, {outcome.Seconds:0} s"));
                        outcomes.Add(outcome);
                    }
                    rows.Add(Row(dataset, condition, outcomes));
                }
            }
            var table = new StringBuilder()
                .AppendLine("| dataset | backbone, recipe | steps | OVERALL/cmc/1 | OVERALL/map/5 | wall s / run | runs (cmc/1) |")
                .AppendLine("|---|---|---|---|---|---|---|");
            foreach (var row in rows) table.AppendLine(row);
            Console.WriteLine(table);
            if (writeResults) ResultsFile.ReplaceSection(Path.Combine("benchmarks", "RESULTS.md"), Title, Body(table.ToString(), seeds));
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static Condition[] Conditions() =>
    [
        new("random init (train_mock_scratch: 32 px, lr 1e-3)", "configs/train_mock_scratch.yaml", 600, []),
        new("pretrained resnet18_mlnet_imagenet, zero-shot (64 px)", null, 0, []),
        new("pretrained, fine-tuned (train_mock: 64 px, lr 1e-4, freeze_bn)", "configs/train_mock.yaml", 100, []),
        new("pretrained, fine-tuned, freeze_bn: false", "configs/train_mock.yaml", 100, ["extractor.args.freeze_bn=false"]),
    ];

    private static Dataset Prepare(string name, string work)
    {
        var root = Path.Combine(work, name);
        var watch = Stopwatch.StartNew();
        Dataset dataset = name switch
        {
            // the main job's data: 40 shapes x 100, 20 shapes for training, 20 unseen for validation
            "mock" => Make(() => MockDatasetGenerator.Generate(root, new MockDatasetOptions { Classes = 40, PerClass = 100, Size = 64 }),
                new Dataset(name, root, "df_with_bboxes.csv", 20 / 8, [])),
            // 5 train classes: 4 labels per batch give one batch per epoch (OML's rule: labels // n_labels)
            "fashion-mnist" => Make(() => FashionMnistImporter.Import(root, new FashionMnistOptions { MaxPerClassPerFile = 200 }),
                new Dataset(name, root, "df.csv", 5 / 4, ["sampler.args.n_labels=4", "sampler.args.n_instances=16"])),
            // closed split: all 10 classes in training (train file) and validation (t10k file)
            "fashion-mnist-closed" => Make(() => FashionMnistImporter.Import(root,
                    new FashionMnistOptions { MaxPerClassPerFile = 200, SplitMode = FashionMnistSplitMode.Closed }),
                new Dataset(name, root, "df.csv", 10 / 8, [])),
            _ => throw new ArgumentException($"unknown dataset {name}: mock, fashion-mnist or fashion-mnist-closed"),
        };
        Console.WriteLine(Str($"{name}: prepared in {watch.Elapsed.TotalSeconds:0.0} s"));
        return dataset;

        static Dataset Make(Action prepare, Dataset dataset)
        {
            prepare();
            return dataset;
        }
    }

    private static Outcome Train(Dataset dataset, Condition condition, int seed, string work)
    {
        var epochs = condition.Steps / dataset.StepsPerEpoch;
        string[] overrides =
        [
            $"dataset_root={dataset.Root}", $"dataframe_name={dataset.DataFrame}", Str($"seed={seed}"),
            Str($"max_epochs={epochs}"), Str($"valid_period={epochs}"), "log_images=false", $"logs_root={Path.Combine(work, "logs")}",
            .. dataset.Overrides, .. condition.Overrides,
        ];
        var config = TrainPipelineConfig.Load(condition.TrainConfig!, overrides);
        var watch = Stopwatch.StartNew();
        using var run = TrainPipeline.Run(config);
        var seconds = watch.Elapsed.TotalSeconds;
        return new Outcome(run.LastMetrics["OVERALL/cmc/1"], run.LastMetrics["OVERALL/map/5"], seconds);
    }

    private static Outcome ZeroShot(Dataset dataset, string work)
    {
        string[] overrides =
        [
            $"dataset_root={dataset.Root}", $"dataframe_name={dataset.DataFrame}", "log_images=false", $"save_dir={Path.Combine(work, "validate")}",
            "extractor.args.arch=resnet18_mlnet", "extractor.args.weights=resnet18_mlnet_imagenet",
            "transforms_val.name=norm_resize_mlnet", "transforms_val.args.im_size=64",
        ];
        var config = ValidatePipelineConfig.Load("configs/validate_mock.yaml", overrides);
        var watch = Stopwatch.StartNew();
        var result = ValidatePipeline.Run(config);
        return new Outcome(result.Result.Metrics["OVERALL/cmc/1"], result.Result.Metrics["OVERALL/map/5"], watch.Elapsed.TotalSeconds);
    }

    private static string Row(Dataset dataset, Condition condition, List<Outcome> outcomes)
    {
        var cmc = outcomes.Select(o => o.Cmc1).ToArray();
        var map = outcomes.Select(o => o.Map5).ToArray();
        var runs = string.Join(", ", cmc.Select(c => c.ToString("0.000", CultureInfo.InvariantCulture)));
        return Str($"| {dataset.Name} | {condition.Name} | {condition.Steps} | {MeanSpread(cmc)} | {MeanSpread(map)} | {outcomes.Average(o => o.Seconds):0} | {runs} |");
    }

    private static string Body(string table, int seeds) =>
        $"""
        `dotnet run -c Release --project benchmarks/Oml.Benchmarks -- quality` ({seeds} seeds per training; {DateTime.UtcNow:yyyy-MM-dd}, 2 cores).
        Open splits: the validation classes are never trained on. mock = the main job's data (`oml dataset mock --classes 40
        --per-class 100 --size 64`, `df_with_bboxes.csv`, 20 + 20 shapes, 2000 validation images); fashion-mnist = Debian's
        package, `--split open --max-per-class 200` (train 0-4, validate 5-9 on 2000 images; 4 labels x 16 per batch).
        For contrast, fashion-mnist-closed = `--split closed --max-per-class 200` (all 10 classes: 2000 train images from
        the train file, 2000 validation images from the test file; 8 labels x 8). Metrics of the last validation (after the
        last step), mean ± standard deviation over the seeds; "± " is absent where there is nothing random (zero-shot).
        Wall time per run includes the validations and, for the pretrained runs, loading the converted weights. Chance for
        cmc/1 is 1/20 (mock), 1/5 (fashion-mnist) and 1/10 (closed). What the numbers mean: docs/pretrained-mlnet.md.

        {table}
        """;
}
