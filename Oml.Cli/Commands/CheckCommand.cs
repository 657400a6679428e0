using Oml.Data;
using Oml.Images;

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

        [CommandOption("--images")]
        [Description("Also read every image header: readable format, within the pixel limit, box inside the image.")]
        public bool Images { get; init; }

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
        var frame = DatasetFrame.FromValidation(validation, DatasetValidator.ResolveRoot(settings.Csv, options));
        ConsoleReport.Summary(console, frame.Summarize());
        if (settings.Images && !settings.NoFiles)
        {
            IReadOnlyList<DatasetProblem> imageProblems = [];
            console.Progress().AutoClear(true).Start(progress =>
            {
                var task = progress.AddTask("reading image headers", maxValue: Math.Max(1, frame.Rows.Count));
                imageProblems = DatasetImageCheck.Run(frame, progress: (done, _) => task.Value = done);
            });
            foreach (var problem in imageProblems) console.MarkupLine("[red]error:[/] " + Markup.Escape(problem.ToString()));
            if (imageProblems.Count > 0)
            {
                console.MarkupLine($"[red]not valid:[/] {imageProblems.Count} image problem{(imageProblems.Count == 1 ? "" : "s")}");
                return OmlApp.UserError;
            }
            console.MarkupLine($"read {frame.Rows.Count} image headers: all readable, all boxes inside their images");
        }
        console.MarkupLine("[green]valid[/]");
        return 0;
    }
}
