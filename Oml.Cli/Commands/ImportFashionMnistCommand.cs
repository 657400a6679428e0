using Oml.Data.Sources;

namespace Oml.Cli.Commands;

public sealed class ImportFashionMnistCommand(IAnsiConsole console) : Command<ImportFashionMnistCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<out-dir>")]
        [Description("Folder to write the PNGs, df.csv, df_with_category.csv and labels.csv into.")]
        public string OutputDirectory { get; init; } = "";

        [CommandOption("--source <DIR>")]
        [Description("Folder with the gzip IDX files of Debian's dataset-fashion-mnist. Default /usr/share/datasets/fashion-mnist.")]
        public string Source { get; init; } = FashionMnistOptions.DefaultSourceDirectory;

        [CommandOption("--split <MODE>")]
        [Description("open: train on classes 0-4, validate on 5-9 (metric-learning practice); closed: the train file trains, the test file validates, all classes. Default open.")]
        [DefaultValue("open")]
        public string Split { get; init; } = "open";

        [CommandOption("--max-per-class <N>")]
        [Description("Keep only the first N images of each class from each file (quick experiments).")]
        public int? MaxPerClass { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var mode = settings.Split.ToLowerInvariant() switch
        {
            "open" => FashionMnistSplitMode.Open,
            "closed" => FashionMnistSplitMode.Closed,
            _ => throw new OmlException($"--split '{settings.Split}' is not valid: expected open or closed"),
        };
        var options = new FashionMnistOptions { SourceDirectory = settings.Source, SplitMode = mode, MaxPerClassPerFile = settings.MaxPerClass };
        return DatasetSourceReport.Run(console, "fashion-mnist", progress => FashionMnistImporter.Import(settings.OutputDirectory, options, progress));
    }
}
