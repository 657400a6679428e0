using Oml.Data.Sources;

namespace Oml.Cli.Commands;

public sealed class MockCommand(IAnsiConsole console) : Command<MockCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<out-dir>")]
        [Description("Folder to write images/, df.csv, df_with_bboxes.csv, df_with_category.csv and labels.csv into (new, or an earlier mock dataset).")]
        public string OutputDirectory { get; init; } = "";

        [CommandOption("--classes <N>")]
        [Description("Number of shape classes; the first half trains, the second half validates. Default 8.")]
        [DefaultValue(8)]
        public int Classes { get; init; } = 8;

        [CommandOption("--per-class <N>")]
        [Description("Images per class. Default 12.")]
        [DefaultValue(12)]
        public int PerClass { get; init; } = 12;

        [CommandOption("--size <PX>")]
        [Description("Image side in pixels. Default 64.")]
        [DefaultValue(64)]
        public int Size { get; init; } = 64;

        [CommandOption("--if-absent")]
        [Description("Do nothing when the folder already holds a complete mock dataset made with the same options.")]
        public bool IfAbsent { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Seed: the same seed writes the same files. Default 0.")]
        [DefaultValue(0)]
        public int Seed { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = new MockDatasetOptions { Classes = settings.Classes, PerClass = settings.PerClass, Size = settings.Size, Seed = settings.Seed };
        if (settings.IfAbsent && MockDatasetGenerator.Exists(settings.OutputDirectory, options))
        {
            console.MarkupLine(Markup.Escape($"{settings.OutputDirectory} already holds this mock dataset ({options.Classes} classes x {options.PerClass} images of {options.Size} px, seed {options.Seed}); kept"));
            return 0;
        }
        return DatasetSourceReport.Run(console, "mock dataset", progress => MockDatasetGenerator.Generate(settings.OutputDirectory, options, progress));
    }
}
