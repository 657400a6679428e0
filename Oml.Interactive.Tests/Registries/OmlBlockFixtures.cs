using Oml.Config;
using Oml.Registries;
using YamlDotNet.RepresentationModel;

namespace Oml.Tests.Registries;

/// <summary>OML's default block configs (<c>oml/configs/&lt;block&gt;/*.yaml</c>), copied to Fixtures/oml-blocks.</summary>
internal static class OmlBlockFixtures
{
    public static string Folder(string block) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "oml-blocks", block);

    public static IEnumerable<string> Names(string block) =>
        Directory.GetFiles(Folder(block), "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal);

    /// <summary>The block <c>{name, args}</c> as the YAML loader produces it.</summary>
    public static Dictionary<string, object?> Block(string block, string name)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Folder(block), name + ".yaml"))));
        return (Dictionary<string, object?>)YamlValues.Convert(stream.Documents[0].RootNode)!;
    }

    public static BlockArgs Args(string block, string name, string path)
    {
        var b = Block(block, name);
        Assert.Equal(name, b["name"]);
        return new BlockArgs(b["args"] as IReadOnlyDictionary<string, object?>, path);
    }

    public static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries) => entries.ToDictionary(e => e.Key, e => e.Value);
}
