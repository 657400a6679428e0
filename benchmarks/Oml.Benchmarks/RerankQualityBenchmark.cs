using System.Diagnostics;
using System.Globalization;
using System.Text;
using Oml.Data.Sources;
using Oml.Pipelines;
using static Oml.Benchmarks.BenchUtil;

namespace Oml.Benchmarks;

/// <summary>
/// <c>rerank-quality</c>: what a pairwise re-ranker trained by <c>oml train-postprocessor</c>
/// (configs/train_postprocessor_mock.yaml: concat_siamese on the pretrained ResNet-18, hard pairs) adds to its
/// extractor's retrieval, on two open splits (validation classes never trained on): the mock set's boxes and
/// Fashion-MNIST. Per dataset and seed one run; the extractor alone is the same in every run (no randomness).
/// </summary>
internal static class RerankQualityBenchmark
{
    private const string Title = "Trained pairwise re-ranker (oml train-postprocessor): extractor alone vs re-ranked";

    private sealed record Dataset(string Name, string Root, string DataFrame, string[] Overrides);

    private sealed record Condition(string Name, string[] Overrides);

    private static readonly Condition[] Conditions =
    [
        new("concat_siamese (image pairs, OML's STIR)", []),
        new("linear_siamese (embeddings)", ["pairwise_model={name: linear_siamese, args: {feat_dim: 512, identity_init: true}}", "freeze_n_epochs=0", "scheduling=null", "optimizer.args.lr=0.0001"]),
    ];

    private sealed record Outcome(double BaseCmc1, double BaseMap5, double Cmc1, double Map5, double Seconds, double ValidationSeconds);

    public static int Run(string[] args)
    {
        if (!BenchOptions.TryParse(args, ["--seeds", "--datasets", "--epochs"], ["--no-results-file"], out var options)) return 2;
        var seeds = options.Int("--seeds", 3);
        var epochs = options.Int("--epochs", 30);
        var datasets = options.List("--datasets", ["mock", "fashion-mnist"]);
        var writeResults = !options.Has("--no-results-file");

        var work = Path.Combine(Path.GetTempPath(), "oml-rerank-quality-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(work);
        try
        {
            var table = new StringBuilder()
                .AppendLine("| dataset | pairwise model | OVERALL/cmc/1: extractor alone | re-ranked | gain | OVERALL/map/5: alone | re-ranked | gain | wall s / run | s / validation |")
                .AppendLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var (dataset, condition) in datasets.Select(name => Prepare(name, work)).SelectMany(d => Conditions.Select(c => (d, c))))
            {
                var outcomes = new List<Outcome>();
                for (var seed = 0; seed < seeds; seed++)
                {
                    var outcome = Train(dataset, condition, seed, epochs, work);
                    Console.WriteLine(Str($"{dataset.Name} | {condition.Name} | seed {seed}: cmc/1 {outcome.BaseCmc1:0.0000} -> {outcome.Cmc1:0.0000}, map/5 {outcome.BaseMap5:0.0000} -> {outcome.Map5:0.0000}, {outcome.Seconds:0} s"));
                    outcomes.Add(outcome);
                }
                double[] Of(Func<Outcome, double> f) => outcomes.Select(f).ToArray();
                string[] cells =
                [
                    dataset.Name, condition.Name, MeanSpread(Of(o => o.BaseCmc1)), MeanSpread(Of(o => o.Cmc1)), MeanSpread(Of(o => o.Cmc1 - o.BaseCmc1), signed: true),
                    MeanSpread(Of(o => o.BaseMap5)), MeanSpread(Of(o => o.Map5)), MeanSpread(Of(o => o.Map5 - o.BaseMap5), signed: true),
                    Str($"{outcomes.Average(o => o.Seconds):0}"), Str($"{outcomes.Average(o => o.ValidationSeconds):0.0}"),
                ];
                table.AppendLine($"| {string.Join(" | ", cells)} |");
            }
            Console.WriteLine(table);
            if (writeResults) ResultsFile.ReplaceSection(Path.Combine("benchmarks", "RESULTS.md"), Title, Body(table.ToString(), seeds, epochs));
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static Dataset Prepare(string name, string work)
    {
        var root = Path.Combine(work, name);
        switch (name)
        {
            case "mock":
                MockDatasetGenerator.Generate(root, new MockDatasetOptions { Classes = 40, PerClass = 100, Size = 64 });
                return new Dataset(name, root, "df_with_bboxes.csv", []);
            case "fashion-mnist":
                FashionMnistImporter.Import(root, new FashionMnistOptions { MaxPerClassPerFile = 200 });
                return new Dataset(name, root, "df.csv", ["sampler.args.n_labels=4", "sampler.args.n_instances=16"]);
            default:
                throw new ArgumentException($"unknown dataset {name}: mock or fashion-mnist");
        }
    }

    private static Outcome Train(Dataset dataset, Condition condition, int seed, int epochs, string work)
    {
        string[] overrides =
        [
            $"dataset_root={dataset.Root}", $"dataframe_name={dataset.DataFrame}", Str($"seed={seed}"),
            Str($"max_epochs={epochs}"), Str($"valid_period={epochs}"), Str($"freeze_n_epochs={epochs / 3}"), $"logs_root={Path.Combine(work, "logs")}",
            .. dataset.Overrides, .. condition.Overrides,
        ];
        var config = TrainPipelineConfig.LoadPostprocessor("configs/train_postprocessor_mock.yaml", overrides);
        var validationSeconds = new List<double>();
        var progress = new Action<Oml.Pipelines.Events.PipelineEvent>(e =>
        {
            if (e is Oml.Pipelines.Events.ValidationCompleted v) validationSeconds.Add(v.Seconds);
        });
        var watch = Stopwatch.StartNew();
        using var run = TrainPipeline.Run(config, new SynchronousProgress(progress));
        var seconds = watch.Elapsed.TotalSeconds;
        var baseline = run.Baseline ?? throw new InvalidOperationException("the run validated nothing");
        return new Outcome(baseline.Metrics["OVERALL/cmc/1"], baseline.Metrics["OVERALL/map/5"], run.LastMetrics["OVERALL/cmc/1"], run.LastMetrics["OVERALL/map/5"],
            seconds, validationSeconds.Count == 0 ? double.NaN : validationSeconds.Average());
    }

    private sealed class SynchronousProgress(Action<Oml.Pipelines.Events.PipelineEvent> report) : IProgress<Oml.Pipelines.Events.PipelineEvent>
    {
        public void Report(Oml.Pipelines.Events.PipelineEvent value) => report(value);
    }

    private static string Body(string table, int seeds, int epochs) =>
        $"""
        `dotnet run -c Release --project benchmarks/Oml.Benchmarks -- rerank-quality` ({seeds} seeds, {epochs} epochs; {DateTime.UtcNow:yyyy-MM-dd}, 2 cores).
        Each run is `oml train-postprocessor configs/train_postprocessor_mock.yaml` on the dataset. The extractor is the
        pretrained `resnet18_mlnet_imagenet` as it is (zero-shot); its top 5 is re-ranked, validated once after the last
        epoch. Pairs: hard pairs from batches of 8 labels x 8 images (Fashion-MNIST: 4 x 16). `concat_siamese` (OML's
        STIR model: the two 64 px images stacked vertically through the same pretrained ResNet-18, an MLP head of 128)
        trains as OML's STIR recipe does, scaled down: the head alone at lr 1e-3 while the backbone is frozen (the first
        third of the epochs), then everything at 5e-5. `linear_siamese` (a linear map of the cached embeddings, identity
        at the start, then their distance) trains at lr 1e-4. Open splits, as in the "Pretrained backbone" section: the
        validation classes are never trained on. Mean ± standard deviation over the seeds; the extractor alone is the
        same in every run. Wall time per run: extraction (or the cache), training and the validation; this run shared
        the machine with other work, so times are indicative (clean re-ranking costs: "Re-ranking cost per query").
        Why the STIR model loses here: docs/pairwise-models.md, "Does re-ranking help?".

        {table}
        """;
}
