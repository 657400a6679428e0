using Oml.Pipelines;

namespace Oml.Cli.Commands;

/// <summary><c>oml train-postprocessor</c>: <c>oml train</c>'s options and output for OML's postprocessor pipeline.</summary>
public sealed class TrainPostprocessorCommand(IAnsiConsole console) : Command<TrainCommand.Settings>
{
    public override int Execute(CommandContext context, TrainCommand.Settings settings, CancellationToken cancellationToken) =>
        TrainCommand.Run(console, TrainPipelineConfig.LoadPostprocessor(settings.Config, settings.Overrides), settings.MemoryTrace);
}
