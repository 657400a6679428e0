namespace Oml.Registries;

/// <summary>
/// One <c>{name, args}</c> config block, e.g. <c>criterion: {name: triplet_with_miner, args: {margin: null}}</c>, as
/// the YAML loader produces it: a mapping with a <c>name</c> and an optional <c>args</c> mapping, or a bare name
/// string (no args). Other keys next to <c>name</c>/<c>args</c> are errors. Immutable: every
/// <see cref="CreateArgs"/> gives fresh <see cref="BlockArgs"/> that track which keys a factory read.
/// </summary>
public sealed record ConfigBlock(string Name, IReadOnlyDictionary<string, object?> Args, string Path)
{
    /// <summary>The args, with config paths <c>&lt;path&gt;.args.&lt;key&gt;</c> in messages.</summary>
    public BlockArgs CreateArgs() => new(Args, $"{Path}.args");

    /// <summary>Reads a block from a config value; null stays null.</summary>
    public static ConfigBlock? FromValue(object? value, string path) =>
        value is null ? null : Parse(value, path, "block", []);

    /// <param name="value">The value at <paramref name="path"/>.</param>
    /// <param name="path">Config path of the block, e.g. <c>criterion.args.miner</c>.</param>
    /// <param name="kind">What the block builds, for messages ("miner").</param>
    /// <param name="validNames">Registry names, listed when the block has the wrong shape.</param>
    public static ConfigBlock Parse(object? value, string path, string kind, IEnumerable<string> validNames)
    {
        var names = validNames.ToArray();
        var listed = names.Length == 0 ? "" : $"; valid names: {string.Join(", ", names)}";
        var block = kind == "block" ? "block" : $"{kind} block";
        switch (value)
        {
            case string name:
                return new ConfigBlock(name, new Dictionary<string, object?>(), path);
            case IReadOnlyDictionary<string, object?> map:
                var unknown = map.Keys.Where(k => k is not ("name" or "args")).ToArray();
                if (unknown.Length > 0)
                {
                    throw new OmlException($"{path} has {string.Join(", ", unknown.Select(k => $"'{k}'"))} next to name/args" +
                                           $"{NameSuggestions.DidYouMean(unknown[0], ["name", "args"])}; a {block} is {{name: ..., args: {{...}}}}");
                }
                if (map.GetValueOrDefault("name") is not string blockName || blockName.Length == 0)
                {
                    throw new OmlException($"{path}.name is required: the registry name of the {kind}{listed}");
                }
                var args = map.GetValueOrDefault("args") switch
                {
                    null => new Dictionary<string, object?>(),
                    IReadOnlyDictionary<string, object?> a => a,
                    var other => throw BlockArgs.WrongType($"{path}.args", other, "a mapping of argument names to values"),
                };
                return new ConfigBlock(blockName, args, path);
            default:
                throw new OmlException($"{path} is not valid: expected a {block} {{name: ..., args: {{...}}}} or a bare name{listed}");
        }
    }
}
