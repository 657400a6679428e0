using System.Runtime.InteropServices;
using Oml.Runtime;

namespace Oml.Cli.Commands;

[Description("Show versions, threads, devices and whether the tensor backend loads.")]
public sealed class InfoCommand(IAnsiConsole console) : Command<InfoCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var table = new Table().HideHeaders().AddColumn("what").AddColumn("value");
        table.AddRow("oml", Markup.Escape(typeof(OmlApp).Assembly.GetName().Version?.ToString() ?? "?"));
        table.AddRow(".NET", Markup.Escape(RuntimeInformation.FrameworkDescription + " " + RuntimeInformation.RuntimeIdentifier));
        table.AddRow("OS", Markup.Escape(RuntimeInformation.OSDescription));
        table.AddRow("cores", Environment.ProcessorCount.ToString());
        table.AddRow("tensor backend", Markup.Escape(TorchRuntime.Describe()));
        console.Write(table);
        return 0;
    }
}
