using Oml.Pipelines;

namespace Oml.Cli.Commands;

public sealed class PredictCommand(IAnsiConsole console) : Command<PredictCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<CONFIG>")]
        [Description("Prediction config in OML's YAML schema: data_dir (or dataframe), transforms_predict, bs, extractor, save_dir.")]
        public string Config { get; init; } = "";

        [CommandArgument(1, "[OVERRIDES]")]
        [Description("key.path=value overrides: data_dir=photos save_dir=out extractor.args.weights=logs/run/checkpoints/best.ckpt")]
        public string[] Overrides { get; init; } = [];
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var config = PredictPipelineConfig.Load(settings.Config, settings.Overrides);
        var run = PipelineRunner.Run(console, (progress, stop) => PredictPipeline.Run(config, progress, stop));
        console.MarkupLine(Markup.Escape($"{run.Images} images x {run.Dimensions} dims in {run.Seconds:0.0} s -> {run.EmbeddingsPath}, {run.PathsCsv}, {run.PredictionsJson}"));
        return 0;
    }
}
