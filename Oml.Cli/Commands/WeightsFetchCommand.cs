using Oml.Models;
using Oml.Pipelines;
using Oml.Zoo;

namespace Oml.Cli.Commands;

public sealed class WeightsFetchCommand(IAnsiConsole console) : Command<WeightsFetchCommand.Settings>
{
    /// <summary>The exit code of a download stopped with Ctrl+C (the shell's for SIGINT).</summary>
    public const int Interrupted = 130;

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("A key of OML's model zoo (see 'oml weights list'), e.g. vits16_dino.")]
        public string Name { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Name == MlNetResnet18.ZooKey)
        {
            console.WriteLine(MlNetResnet18.WeightsFile());
            return 0;
        }
        var zoo = PretrainedWeights.FromEnvironment();
        var entry = ZooKeyArgument.Entry(zoo, settings.Name);
        string path;
        if (zoo.Inspect(entry.Key).IsCached && Checked(zoo, entry) is { } cached)
        {
            console.MarkupLine(Markup.Escape($"{entry.Key} is already in the cache ({entry.Checksum.Describe()}: checked)"));
            path = cached;
        }
        else
        {
            try
            {
                path = PipelineRunner.Run(console, (progress, stop) => zoo.Fetch(entry.Key, new PipelineDownloadObserver(progress), cancellationToken: stop));
            }
            catch (OperationCanceledException)
            {
                console.MarkupLine(Markup.Escape($"stopped; the part downloaded so far is kept in {zoo.PartialPath(entry)}: run the same command to continue"));
                return Interrupted;
            }
        }
        if (PretrainedSupport.MissingArchitecture(entry) is { } missing)
        {
            console.MarkupLine("[grey]note:[/] " + Markup.Escape($"this version cannot build {entry.Key}'s architecture yet ({missing})"));
        }
        console.WriteLine(path);
        return 0;
    }

    /// <summary>The cached file when its checksum is right; null when it differs (the fetch replaces it).</summary>
    private static string? Checked(PretrainedWeights zoo, ZooEntry entry)
    {
        try
        {
            return zoo.VerifiedCachedPath(entry.Key);
        }
        catch (OmlException)
        {
            return null;
        }
    }
}
