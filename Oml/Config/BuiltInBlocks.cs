using System.Reflection;
using YamlDotNet.RepresentationModel;

namespace Oml.Config;

/// <summary>
/// The default block configs that Hydra's <c>defaults:</c> list and group overrides (<c>optimizer=adamw</c>) pick from:
/// <c>&lt;group&gt;/&lt;name&gt;.yaml</c>, embedded in the library with the same values as OML's <c>oml/configs</c>.
/// </summary>
public static class BuiltInBlocks
{
    private const string Prefix = "blocks/";

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<string>>> Index = new(BuildIndex);

    /// <summary>Groups such as <c>criterion</c>, <c>optimizer</c>, <c>sampler</c>, with the names each offers.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Groups => Index.Value;

    public static bool Exists(string group, string name) =>
        Groups.TryGetValue(group, out var names) && names.Contains(name, StringComparer.Ordinal);

    /// <summary>A fresh copy of the block <paramref name="group"/>/<paramref name="name"/>, or null if there is none.</summary>
    public static Dictionary<string, object?>? TryLoad(string group, string name)
    {
        if (!Exists(group, name)) return null;
        using var stream = typeof(BuiltInBlocks).Assembly.GetManifestResourceStream($"{Prefix}{group}/{name}.yaml")
            ?? throw new InvalidOperationException($"embedded block {group}/{name} is listed but missing");
        using var reader = new StreamReader(stream);
        var yaml = new YamlStream();
        yaml.Load(reader);
        return YamlValues.Convert(yaml.Documents[0].RootNode) as Dictionary<string, object?>;
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> BuildIndex()
    {
        var groups = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var resource in typeof(BuiltInBlocks).Assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(Prefix, StringComparison.Ordinal) || !resource.EndsWith(".yaml", StringComparison.Ordinal)) continue;
            var parts = resource[Prefix.Length..^".yaml".Length].Split('/');
            if (parts.Length != 2) continue;
            if (!groups.TryGetValue(parts[0], out var names)) groups[parts[0]] = names = [];
            names.Add(parts[1]);
        }
        return groups.ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Value.Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
    }
}
