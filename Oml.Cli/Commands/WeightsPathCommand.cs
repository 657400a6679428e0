using Oml.Zoo;

namespace Oml.Cli.Commands;

public sealed class WeightsPathCommand(IAnsiConsole console) : Command<WeightsPathCommand.Settings>
{
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
            var converted = MlNetResnet18.CachedWeightsPath();
            if (!File.Exists(converted)) throw new OmlException($"{MlNetResnet18.ZooKey} is not converted yet (it would be {converted}): run 'oml weights fetch {MlNetResnet18.ZooKey}'");
            console.WriteLine(converted);
            return 0;
        }
        var zoo = PretrainedWeights.FromEnvironment();
        console.WriteLine(zoo.VerifiedCachedPath(ZooKeyArgument.Entry(zoo, settings.Name).Key));
        return 0;
    }
}
