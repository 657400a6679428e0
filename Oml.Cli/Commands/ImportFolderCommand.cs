using Oml.Data.Sources;

namespace Oml.Cli.Commands;

public sealed class ImportFolderCommand(IAnsiConsole console) : Command<ImportFolderCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<images-root>")]
        [Description("A class-per-folder tree: <images-root>/<class>/**/*.jpg|png|... (subfolders belong to their class).")]
        public string Root { get; init; } = "";

        [CommandArgument(1, "[out-dir]")]
        [Description("Where df.csv and labels.csv go; paths in df.csv are relative to it. Default: <images-root>. Images are not copied.")]
        public string? OutputDirectory { get; init; }

        [CommandOption("--val-classes <FRACTION>")]
        [Description("Fraction of the classes that go to the validation split (disjoint from train). Default 0.5.")]
        [DefaultValue(0.5)]
        public double ValidationClasses { get; init; } = 0.5;

        [CommandOption("--seed <N>")]
        [Description("Seed of the choice of validation classes. Default 0.")]
        [DefaultValue(0)]
        public int Seed { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = new FolderDatasetOptions { ValidationClassFraction = settings.ValidationClasses, Seed = settings.Seed };
        return DatasetSourceReport.Run(console, "folder import", progress => FolderDatasetImporter.Import(settings.Root, settings.OutputDirectory, options, progress));
    }
}
