// Namespaces that nearly every command and report of the CLI uses.
global using System.ComponentModel;
global using Spectre.Console;
global using Spectre.Console.Cli;
