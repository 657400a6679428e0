using Oml.Cli;
using Oml.Runtime;

TorchRuntime.Configure();
return OmlApp.Run(args, Spectre.Console.AnsiConsole.Console);
