using System.Globalization;
using Oml.Pipelines;

namespace Oml.Cli.Commands;

public sealed class TrainPostprocessorCommand(IAnsiConsole console) : Command<TrainPostprocessorCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<CONFIG>")]
        [Description("Postprocessor training config in OML's YAML schema (e.g. configs/train_postprocessor_mock.yaml, or OML's postprocessor_train.yaml).")]
        public string Config { get; init; } = "";

        [CommandOption("--memory-trace")]
        [Description("Diagnostics: after every step print the live tensor count, the process's resident memory and the GC heap.")]
        public bool MemoryTrace { get; init; }

        [CommandArgument(1, "[OVERRIDES]")]
        [Description("Hydra-style key.path=value overrides: max_epochs=3 extractor_weights=logs/mock/run/checkpoints/best.ckpt postprocessor.args.top_n=5 resume=logs/run/checkpoints/last.ckpt")]
        public string[] Overrides { get; init; } = [];
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var config = TrainPipelineConfig.LoadPostprocessor(settings.Config, settings.Overrides);
        using var result = PipelineRunner.Run(console, (progress, stop) => TrainPipeline.Run(config, progress, stop), settings.MemoryTrace);
        if (result.LastMetrics.Count > 0)
        {
            console.Write(MetricsTable.Create(result.LastMetrics, "validation metrics (last validation, re-ranked)", result.Baseline?.Metrics, "extractor alone"));
        }
        var bestEpoch = result.BestEpoch is { } best ? string.Create(CultureInfo.InvariantCulture, $" (epoch {best.Epoch + 1})") : "";
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"best {result.MonitoredMetric} = {result.BestMetric?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "n/a"}{bestEpoch}; " +
            $"checkpoints: {result.BestCheckpoint ?? "(no best yet)"}, {result.LastCheckpoint}; logs: {result.RunDirectory}")));
        if (result.BestCheckpoint is { } checkpoint)
        {
            console.MarkupLine(Markup.Escape($"re-rank with it: postprocessor.args.pairwise_model.args.weights={checkpoint}"));
        }
        return result.StopReason == TrainStopReason.Cancelled ? 130 : 0;
    }
}
