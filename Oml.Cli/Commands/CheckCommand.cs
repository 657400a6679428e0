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
        [Description("Also decode every image in full, as training reads it: readable format, within the pixel limit, box inside the image, no truncated or corrupt pixel data.")]
        public bool Images { get; init; }

        [CommandOption("--headers-only")]
        [Description("With --images: read only each image's header (format, size, box; quicker), not its pixels, so a truncated or corrupt file passes.")]
        public bool HeadersOnly { get; init; }

        [CommandOption("--max-pixels <N>")]
        [Description("With --images: the largest width x height accepted (decompression-bomb guard; the config key max_image_pixels of train / validate / predict). Default: 89478485, PIL's MAX_IMAGE_PIXELS.")]
        public long? MaxPixels { get; init; }

        public override ValidationResult Validate()
        {
            if (MaxPixels is <= 0) return ValidationResult.Error($"--max-pixels {MaxPixels} is not valid: expected a positive number of pixels");
            if ((HeadersOnly || MaxPixels is not null) && !Images)
                return ValidationResult.Error($"{(HeadersOnly ? "--headers-only" : "--max-pixels")} needs --images (the image files are only read with --images)");
            if (Images && NoFiles) return ValidationResult.Error("--images reads the image files and --no-files skips them: give one of them");
            return ValidationResult.Success();
        }

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
        if (settings.Images)
        {
            IReadOnlyList<DatasetProblem> imageProblems = [];
            var decoder = ImageDecoder.WithMaxPixels(settings.MaxPixels ?? ImageDecoder.DefaultMaxPixels);
            console.Progress().AutoClear(true).Start(progress =>
            {
                var task = progress.AddTask(settings.HeadersOnly ? "reading image headers" : "decoding images", maxValue: Math.Max(1, frame.Rows.Count));
                imageProblems = DatasetImageCheck.Run(frame, decoder, (done, _) => task.Value = done, settings.HeadersOnly);
            });
            foreach (var problem in imageProblems) console.MarkupLine("[red]error:[/] " + Markup.Escape(problem.ToString()));
            if (imageProblems.Count > 0)
            {
                console.MarkupLine($"[red]not valid:[/] {imageProblems.Count} image problem{(imageProblems.Count == 1 ? "" : "s")}");
                return OmlApp.UserError;
            }
            console.MarkupLine(settings.HeadersOnly
                ? $"read {frame.Rows.Count} image headers (not their pixels: a truncated or corrupt file is only found without --headers-only): " +
                  $"all readable, at most {decoder.MaxPixels:N0} pixels, all boxes inside their images"
                : $"decoded {frame.Rows.Count} images in full: all complete, at most {decoder.MaxPixels:N0} pixels, all boxes inside their images");
        }
        console.MarkupLine("[green]valid[/]");
        return 0;
    }
}
