using System.Globalization;
using Oml.Pipelines;

namespace Oml.Cli.Commands;

public sealed class TrainCommand(IAnsiConsole console) : Command<TrainCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<CONFIG>")]
        [Description("Training config in OML's YAML schema (e.g. configs/train_mock.yaml or an OML train_*.yaml; for train-postprocessor configs/train_postprocessor_mock.yaml or OML's postprocessor_train.yaml).")]
        public string Config { get; init; } = "";

        [CommandOption("--memory-trace")]
        [Description("Diagnostics: after every step print the live tensor count, the process's resident memory and the GC heap.")]
        public bool MemoryTrace { get; init; }

        [CommandArgument(1, "[OVERRIDES]")]
        [Description("Hydra-style key.path=value overrides: max_epochs=3 sampler.args.n_labels=4 criterion.args.margin=null optimizer=adamw resume=logs/run/checkpoints/last.ckpt")]
        public string[] Overrides { get; init; } = [];
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        Run(console, TrainPipelineConfig.Load(settings.Config, settings.Overrides), settings.MemoryTrace);

    /// <summary>Runs a training pipeline (extractor or postprocessor) with live progress, then its final metrics and checkpoints.</summary>
    internal static int Run(IAnsiConsole console, TrainPipelineConfig config, bool memoryTrace)
    {
        using var result = PipelineRunner.Run(console, (progress, stop) => TrainPipeline.Run(config, progress, stop), memoryTrace);
        if (result.LastMetrics.Count > 0)
        {
            console.Write(result.Baseline is { } baseline
                ? MetricsTable.Create(result.LastMetrics, "validation metrics (last validation)", baseline.Metrics, "extractor alone", "re-ranked")
                : MetricsTable.Create(result.LastMetrics, "validation metrics (last validation)"));
        }
        var bestEpoch = result.BestEpoch is { } best ? string.Create(CultureInfo.InvariantCulture, $" (epoch {best.Epoch + 1})") : "";
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"best {result.MonitoredMetric} = {result.BestMetric?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "n/a"}{bestEpoch}; " +
            $"checkpoints: {result.BestCheckpoint ?? "(no best yet)"}, {result.LastCheckpoint}; logs: {result.RunDirectory}")));
        if (result.PairwiseModel is not null && result.BestCheckpoint is { } checkpoint)
        {
            console.MarkupLine(Markup.Escape($"re-rank with it: postprocessor.args.pairwise_model.args.weights={checkpoint}"));
        }
        return result.StopReason == TrainStopReason.Cancelled ? 130 : 0;
    }
}
