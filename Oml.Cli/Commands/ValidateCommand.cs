using Oml.Pipelines;

namespace Oml.Cli.Commands;

public sealed class ValidateCommand(IAnsiConsole console) : Command<ValidateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<CONFIG>")]
        [Description("Validation config in OML's YAML schema (a training config works too); extractor.args.weights names the checkpoint.")]
        public string Config { get; init; } = "";

        [CommandArgument(1, "[OVERRIDES]")]
        [Description("key.path=value overrides: extractor.args.weights=logs/run/checkpoints/best.ckpt postprocessor=k_reciprocal save_dir=out")]
        public string[] Overrides { get; init; } = [];
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var config = ValidatePipelineConfig.Load(settings.Config, settings.Overrides);
        var run = PipelineRunner.Run(console, (progress, stop) => ValidatePipeline.Run(config, progress, stop));
        console.Write(MetricsTable.Create(run.Result.Metrics, compareWith: run.WithoutPostprocessor?.Metrics,
            valueTitle: run.WithoutPostprocessor is null ? "value" : $"with {run.PostprocessorName ?? "postprocessor"}"));
        console.MarkupLine(Markup.Escape($"{run.Result.Queries} queries, {run.Result.Galleries} galleries; embeddings {run.EmbeddingSeconds:0.0} s, metrics {run.MetricSeconds:0.0} s -> {run.MetricsJsonPath}" +
                                         (run.FigureFiles.Count > 0 ? $", {run.FigureFiles.Count} worst-query figures in {Path.GetDirectoryName(run.FigureFiles[0])}" : "")));
        return 0;
    }
}
