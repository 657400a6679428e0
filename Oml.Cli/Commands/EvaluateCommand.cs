using Oml.Metrics;
using Oml.Pipelines;
using Oml.Pipelines.Events;

namespace Oml.Cli.Commands;

/// <summary><c>oml evaluate</c>: <see cref="EvaluatePipeline"/>, drawn as <c>oml validate</c> draws a validation.</summary>
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
        [Description("Dataset root for relative image paths (default: the dataframe's folder; images are only read with --check-files).")]
        public string? Root { get; init; }

        [CommandOption("--check-files")]
        [Description("Also check that the image files of the dataframe exist (not needed to evaluate embeddings).")]
        public bool CheckFiles { get; init; }

        [CommandOption("--out <JSON>")]
        [Description("Where to write the metrics (a flat JSON object). Default metrics.json; with a postprocessor, the metrics without it go next to it (metrics_without_postprocessor.json).")]
        public string? Out { get; init; }

        [CommandOption("--config <YAML>")]
        [Description("Optional: a config whose metric_args and postprocessor apply (a validation config works; its dataset_root and dataframe_name stand in for --dataset).")]
        public string? Config { get; init; }

        [CommandArgument(0, "[overrides]")]
        [Description("key=value settings: metric_args.cmc_top_k=[[1,5]] metric_args.distance=cosine metric_args.fmr_vals=[[0.01]] postprocessor=k_reciprocal postprocessor.args.k1=10 ...")]
        public string[] Overrides { get; init; } = [];

        public override ValidationResult Validate()
        {
            if (Embeddings.Length == 0) return ValidationResult.Error("--embeddings <NPY> is required");
            if (Dataset.Length == 0 && Config is null) return ValidationResult.Error("--dataset <CSV> is required (or --config <YAML> with dataset_root and dataframe_name)");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // the options are config keys, set as given (paths are not YAML)
        var options = new Dictionary<string, object?> { ["embeddings"] = settings.Embeddings };
        if (settings.Dataset.Length > 0) options["dataframe"] = settings.Dataset;
        if (settings.Root is not null) options["dataset_root"] = settings.Root;
        if (settings.CheckFiles) options["check_files"] = true;
        if (settings.Out is not null) options["out"] = settings.Out;
        var config = EvaluatePipelineConfig.Load(settings.Config, settings.Overrides, options);
        if (settings.Out is not null) config = config with { MetricsJsonPathName = "--out" };

        ValidationRunResult? run = null;
        console.Status().Start($"retrieval and metrics of {Markup.Escape(config.Embeddings)}", _ =>
            run = EvaluatePipeline.Run(config, new ConsoleLines(console), cancellationToken));
        var result = run!.Result;
        console.Write(MetricsTable.Create(result.Metrics, compareWith: run.WithoutPostprocessor?.Metrics,
            valueTitle: run.WithoutPostprocessor is null ? "value" : $"with {run.PostprocessorName ?? "postprocessor"}"));
        console.MarkupLine(Markup.Escape($"{result.Queries} queries, {result.Galleries} galleries, {result.QueriesWithoutGroundTruth} queries without ground truth " +
                                         $"({(config.MetricArgs.NoGroundTruth == NoGroundTruthPolicy.Exclude ? "left out of the means" : "counted as 0")}); " +
                                         $"{run.EmbeddingSeconds + run.MetricSeconds:0.0} s -> {run.MetricsJsonPath}"));
        return 0;
    }

    /// <summary>The pipeline's notes, printed as they come (on the pipeline's thread: the status spinner redraws below them).</summary>
    private sealed class ConsoleLines(IAnsiConsole console) : IProgress<PipelineEvent>
    {
        public void Report(PipelineEvent value)
        {
            if (PipelineRunner.Describe(value) is { } line) console.MarkupLine(line);
        }
    }
}
