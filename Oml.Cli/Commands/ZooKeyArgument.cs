using Oml.Registries;
using Oml.Zoo;

namespace Oml.Cli.Commands;

/// <summary>The NAME argument of <c>oml weights fetch | path</c>: a zoo key, or an error with the closest key.</summary>
internal static class ZooKeyArgument
{
    public static ZooEntry Entry(PretrainedWeights zoo, string name) =>
        zoo.Find(name) ?? throw new OmlException(ZooMessages.UnknownKey(name, NameSuggestions.DidYouMean(name, zoo.Entries.Select(e => e.Key))));
}
