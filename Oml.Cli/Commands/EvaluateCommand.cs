using System.ComponentModel;
using System.Diagnostics;
using Oml.Config;
using Oml.Data;
using Oml.IO;
using Oml.Metrics;
using Oml.Postprocessing;
using Oml.Registries;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Oml.Cli.Commands;

public sealed class EvaluateCommand(IAnsiConsole console) : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--embeddings <NPY>")]
        [Description("NumPy .npy file, float32 or float64, shape [[N, D]]: one row per validation row of the dataframe, in file order.")]
        public string Embeddings { get; init; } = "";

        [CommandOption("--dataset <CSV>")]
        [Description("The OML dataframe (df.csv) whose validation rows the embeddings belong to.")]
        public string Dataset { get; init; } = "";

        [CommandOption("--root <DIR>")]
        [Description("Dataset root for relative paths (only used with --check-files).")]
        public string? Root { get; init; }

        [CommandOption("--check-files")]
        [Description("Also check that the image files of the dataframe exist (not needed to evaluate embeddings).")]
        public bool CheckFiles { get; init; }

        [CommandOption("--out <JSON>")]
        [Description("Where to write the metrics (a flat JSON object). Default metrics.json.")]
        [DefaultValue("metrics.json")]
        public string Out { get; init; } = "metrics.json";

        [CommandArgument(0, "[overrides]")]
        [Description("key=value settings: metric_args.cmc_top_k=[[1,5]] metric_args.distance=cosine metric_args.fmr_vals=[[0.01]] postprocessor=k_reciprocal postprocessor.args.k1=10 ...")]
        public string[] Overrides { get; init; } = [];

        public override ValidationResult Validate()
        {
            if (Embeddings.Length == 0) return ValidationResult.Error("--embeddings <NPY> is required");
            if (Dataset.Length == 0) return ValidationResult.Error("--dataset <CSV> is required");
            return ValidationResult.Success();
        }
    }

    private static readonly string[] TopLevelKeys = ["metric_args", "postprocessor"];

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var config = new Dictionary<string, object?> { ["metric_args"] = new Dictionary<string, object?>() };
        foreach (var text in settings.Overrides)
        {
            var change = ConfigOverride.Parse(text);
            if (!TopLevelKeys.Contains(change.Path[0]))
            {
                throw new OmlException($"override {change.Key}: unknown key '{change.Path[0]}'{NameSuggestions.DidYouMean(change.Path[0], TopLevelKeys)}; valid: {string.Join(", ", TopLevelKeys)}");
            }
            if (change.Key == "postprocessor" && change.Value is string name)
            {
                // a bare name picks the block, as Hydra's group selection does; its args may follow as postprocessor.args.x=...
                change = change with { Value = new Dictionary<string, object?> { ["name"] = name, ["args"] = new Dictionary<string, object?>() } };
            }
            change.ApplyTo(config);
        }
        var metricArgs = MetricArgsBlock.Parse(new BlockArgs(config["metric_args"] as IReadOnlyDictionary<string, object?>, "metric_args"));
        var postprocessor = PostprocessorBlock.Create(config.GetValueOrDefault("postprocessor"));

        var frame = DatasetFrame.Load(settings.Dataset, new DatasetLoadOptions { DatasetRoot = settings.Root, CheckFilesExist = settings.CheckFiles });
        var array = NpyFile.ReadMatrix(settings.Embeddings);
        if (array.Rows != frame.Validation.Count)
        {
            throw new OmlException($"{settings.Embeddings} has {array.Rows} rows but {settings.Dataset} has {frame.Validation.Count} validation rows: expected one embedding per validation row, in file order");
        }

        var clock = Stopwatch.StartNew();
        EmbeddingMetricsResult? result = null;
        console.Status().Start($"retrieval and metrics for {frame.Validation.Count} rows x {array.Columns} dims", _ =>
        {
            using var embeddings = tensor(array.Data, [array.Rows, array.Columns]);
            result = EmbeddingMetrics.Compute(embeddings, ValidationSet.Setup(frame), metricArgs, ValidationSet.Categories(frame), postprocessor: postprocessor);
        });
        MetricsJson.Write(settings.Out, result!);

        var table = new Table().Border(TableBorder.Rounded).AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (name, value) in result!.Metrics) table.AddRow(Markup.Escape(name), double.IsFinite(value) ? value.ToString("0.0000") : "n/a");
        console.Write(table);
        console.MarkupLine($"{result.Queries} queries, {result.Galleries} galleries, {result.QueriesWithoutGroundTruth} queries without ground truth " +
                           $"({(metricArgs.NoGroundTruth == NoGroundTruthPolicy.Exclude ? "left out of the means" : "counted as 0")}); " +
                           $"{clock.Elapsed.TotalSeconds:0.0} s -> {Markup.Escape(settings.Out)}");
        return 0;
    }
}
