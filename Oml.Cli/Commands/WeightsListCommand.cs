using System.Globalization;
using Oml.Models;
using Oml.Zoo;

namespace Oml.Cli.Commands;

public sealed class WeightsListCommand(IAnsiConsole console) : Command<WeightsListCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var zoo = PretrainedWeights.FromEnvironment();
        var table = new Table().AddColumns("key", "architecture", "here", "size", "cached", "path");
        foreach (var entry in zoo.Entries)
        {
            var cached = zoo.Inspect(entry.Key);
            var missing = PretrainedSupport.MissingArchitecture(entry);
            table.AddRow(Markup.Escape(entry.Key), Markup.Escape(entry.ArchitectureText),
                missing is null ? "[green]yes[/]" : "[grey]not yet[/]",
                cached.Bytes is { } bytes ? Megabytes(bytes) : cached.PartialBytes is { } part ? $"{Megabytes(part)} so far" : "?",
                cached.IsCached ? "[green]cached[/]" : cached.PartialBytes is null ? "no" : "[yellow]partial[/]",
                Markup.Escape(cached.IsCached ? cached.Path : cached.PartialBytes is null ? cached.Path : zoo.PartialPath(entry)));
        }
        var mlnet = File.Exists(MlNetResnet18.CachedWeightsPath());
        table.AddRow(MlNetResnet18.ZooKey, $"resnet {MlNetResnet18.Arch}", "[green]yes[/]",
            mlnet ? Megabytes(new FileInfo(MlNetResnet18.CachedWeightsPath()).Length) : "?",
            mlnet ? "[green]cached[/]" : "no (NuGet package, converted on first use)", Markup.Escape(MlNetResnet18.CachedWeightsPath()));
        console.Write(table);
        console.MarkupLine(Markup.Escape($"cache: {zoo.Settings.CacheFolder} (the folder OML downloads into; ${OmlCache.EnvironmentVariable}/torch/checkpoints when set)" +
                                         (zoo.Settings.UrlBase is { } mirror ? $"; downloads from the mirror {mirror} (${ZooSettings.UrlBaseVariable})" : "")));
        return 0;
    }

    private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
}
