namespace Oml.Registries;

/// <summary>
/// One <c>{name, args}</c> config block, read from what the YAML loader produces: a mapping with a <c>name</c> and
/// optional <c>args</c> mapping, or a bare name string (no args). Other keys next to <c>name</c>/<c>args</c> are errors.
/// </summary>
public sealed record ConfigBlock(string Name, BlockArgs Args)
{
    /// <param name="value">The value at <paramref name="path"/>.</param>
    /// <param name="path">Config path of the block, e.g. <c>criterion.args.miner</c>.</param>
    /// <param name="kind">What the block builds, for messages ("miner").</param>
    /// <param name="validNames">Registry names, listed when the block has the wrong shape.</param>
    public static ConfigBlock Parse(object? value, string path, string kind, IEnumerable<string> validNames)
    {
        switch (value)
        {
            case string name:
                return new ConfigBlock(name, BlockArgs.Empty($"{path}.args"));
            case IReadOnlyDictionary<string, object?> mapping:
                var outer = new BlockArgs(mapping, path);
                var blockName = outer.GetString("name");
                var rawArgs = outer.GetRaw("args");
                if (rawArgs is not null and not IReadOnlyDictionary<string, object?>)
                    throw BlockArgs.WrongType($"{path}.args", rawArgs, "a mapping of argument names to values");
                outer.EnsureAllKeysUsed(kind);
                return new ConfigBlock(blockName, new BlockArgs(rawArgs as IReadOnlyDictionary<string, object?>, $"{path}.args"));
            default:
                throw new OmlException($"{path} is not valid: expected a {kind} block {{name: ..., args: {{...}}}} or a bare name; valid names: {string.Join(", ", validNames)}");
        }
    }
}
