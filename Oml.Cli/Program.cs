using Oml.Cli;
using Oml.Runtime;

TorchRuntime.Configure();
var console = AnsiConsole.Console;
if (Console.IsOutputRedirected)
{
    // logs and pipes: one line per message, not wrapped at an imaginary 80-column terminal
    console.Profile.Width = 4096;
}
return OmlApp.Run(args, console);
