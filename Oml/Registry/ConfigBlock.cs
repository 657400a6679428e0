namespace Oml.Registries;

/// <summary>A <c>{name, args}</c> config block, e.g. <c>criterion: {name: triplet_with_miner, args: {margin: null}}</c>.</summary>
public sealed record ConfigBlock(string Name, IReadOnlyDictionary<string, object?> Args, string Path)
{
    /// <summary>The args, reading from <c>&lt;path&gt;.args</c>.</summary>
    public BlockArgs CreateArgs() => new(Args, $"{Path}.args");

    /// <summary>Reads a block from a config value; null stays null.</summary>
    public static ConfigBlock? FromValue(object? value, string path)
    {
        switch (value)
        {
            case null:
                return null;
            case string name:
                return new ConfigBlock(name, new Dictionary<string, object?>(), path);
            case IReadOnlyDictionary<string, object?> map:
                var unknown = map.Keys.Where(k => k is not ("name" or "args")).ToArray();
                if (unknown.Length > 0)
                {
                    throw new OmlException($"{path} has {string.Join(", ", unknown.Select(k => $"'{k}'"))} next to name/args{NameSuggestions.DidYouMean(unknown[0], ["name", "args"])}; " +
                                           $"a block is {{name: <registry name>, args: {{...}}}}");
                }
                if (map.GetValueOrDefault("name") is not string blockName || blockName.Length == 0)
                {
                    throw new OmlException($"{path}.name is required: the registry name of the block, e.g. {{name: <name>, args: {{...}}}}");
                }
                var args = map.GetValueOrDefault("args") switch
                {
                    null => new Dictionary<string, object?>(),
                    IReadOnlyDictionary<string, object?> a => a,
                    var other => throw BlockArgs.WrongType($"{path}.args", other, "a mapping of argument names to values"),
                };
                return new ConfigBlock(blockName, args, path);
            default:
                throw BlockArgs.WrongType(path, value, "a block {name: <registry name>, args: {...}}");
        }
    }
}
