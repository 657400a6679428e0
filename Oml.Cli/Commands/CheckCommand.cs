using System.ComponentModel;
using Oml.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Oml.Cli.Commands;

public sealed class CheckCommand(IAnsiConsole console) : Command<CheckCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<df.csv>")]
        [Description("The dataframe to check (columns label, path, split, is_query, is_gallery, optional x_1, x_2, y_1, y_2, category, sequence).")]
        public string Csv { get; init; } = "";

        [CommandOption("--root <DIR>")]
        [Description("Folder that relative paths are relative to (OML's dataset_root). Default: the folder of the CSV file.")]
        public string? Root { get; init; }

        [CommandOption("--no-files")]
        [Description("Do not check that the image files exist (quicker on huge datasets).")]
        public bool NoFiles { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = new DatasetLoadOptions { DatasetRoot = settings.Root, CheckFilesExist = !settings.NoFiles };
        if (settings.Root is not null && !Directory.Exists(settings.Root))
        {
            throw new OmlException($"--root '{settings.Root}' is not a folder");
        }
        var validation = DatasetFrame.Validate(settings.Csv, options);
        console.MarkupLine($"Checked [bold]{Markup.Escape(settings.Csv)}[/] (dataset root {Markup.Escape(DatasetValidator.ResolveRoot(settings.Csv, options))})");
        ConsoleReport.Problems(console, validation);
        if (!validation.IsValid)
        {
            var count = validation.Errors.Count();
            console.MarkupLine($"[red]not valid:[/] {count} error{(count == 1 ? "" : "s")} (rows are numbered as in a spreadsheet, the header is row 1)");
            return OmlApp.UserError;
        }
        var frame = DatasetFrame.Load(settings.Csv, options with { CheckFilesExist = false });
        ConsoleReport.Summary(console, frame.Summarize());
        console.MarkupLine("[green]valid[/]");
        return 0;
    }
}
