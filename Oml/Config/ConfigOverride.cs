namespace Oml.Config;

/// <summary>
/// A Hydra-style command-line override <c>key.path=value</c> (<c>metric_args.cmc_top_k=[1,5]</c>,
/// <c>postprocessor=k_reciprocal</c>, <c>criterion.args.margin=null</c>), applied to a nested config mapping.
/// </summary>
public sealed record ConfigOverride(IReadOnlyList<string> Path, object? Value)
{
    public string Key => string.Join('.', Path);

    public static ConfigOverride Parse(string text)
    {
        var equals = text.IndexOf('=');
        if (equals <= 0)
        {
            throw new OmlException($"'{text}' is not an override: expected key.path=value, e.g. metric_args.cmc_top_k=[1,5]");
        }
        var key = text[..equals].Trim();
        var path = key.Split('.');
        if (path.Any(p => p.Length == 0)) throw new OmlException($"'{text}': the key '{key}' has an empty part");
        return new ConfigOverride(path, YamlValues.ParseValue(text[(equals + 1)..].Trim(), $"override {key}"));
    }

    /// <summary>Sets the value in <paramref name="config"/>, creating mappings on the way.</summary>
    public void ApplyTo(IDictionary<string, object?> config)
    {
        var node = config;
        for (var i = 0; i < Path.Count - 1; i++)
        {
            if (!node.TryGetValue(Path[i], out var child) || child is null)
            {
                child = new Dictionary<string, object?>();
                node[Path[i]] = child;
            }
            node = child as IDictionary<string, object?>
                ?? throw new OmlException($"override {Key}: {string.Join('.', Path.Take(i + 1))} is a value, not a mapping, so it has no '{Path[i + 1]}'");
        }
        node[Path[^1]] = Value;
    }
}
