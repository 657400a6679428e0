using YamlDotNet.RepresentationModel;

namespace Oml.Config;

/// <summary>
/// Loads an OML (Hydra/OmegaConf) YAML config: Hydra's <c>defaults:</c> list (blocks from the config's folder,
/// <c>&lt;group&gt;/&lt;name&gt;.yaml</c>, then the built-in ones), Hydra-style overrides (<c>key.path=value</c>,
/// <c>group=name</c> to pick another block, <c>+key=value</c>, <c>~key</c> to delete), then interpolations.
/// </summary>
public static class ConfigLoader
{
    public static LoadedConfig Load(string path, IEnumerable<string>? overrides = null, DateTime? now = null)
    {
        if (!File.Exists(path)) throw new OmlException($"config file {path} does not exist");
        return Parse(File.ReadAllText(path), path, Path.GetDirectoryName(Path.GetFullPath(path)), overrides, now);
    }

    /// <param name="source">Name used in messages (the file path).</param>
    /// <param name="blocksDirectory">Where <c>defaults:</c> looks for <c>&lt;group&gt;/&lt;name&gt;.yaml</c> before the built-in blocks.</param>
    public static LoadedConfig Parse(string yaml, string source, string? blocksDirectory, IEnumerable<string>? overrides = null, DateTime? now = null)
    {
        var notes = new List<string>();
        var primary = ParseYamlMapping(yaml, source);
        var changes = (overrides ?? []).Select(ParseOverride).ToList();

        var composed = ComposeDefaults(primary, source, blocksDirectory, changes, notes);
        foreach (var change in changes) Apply(change, composed, blocksDirectory);

        if (composed.Remove("hydra"))
        {
            notes.Add("hydra: Hydra's own settings are not used; a run writes to logs_root/logs_folder and does not change the working directory");
        }
        ConfigInterpolation.ResolveInPlace(composed, now ?? DateTime.Now);
        return new LoadedConfig(composed, source, notes);
    }

    private static Dictionary<string, object?> ParseYamlMapping(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (Exception e) when (YamlSyntaxError.IsSyntaxError(e))
        {
            throw YamlSyntaxError.Exception(yaml, source, e);
        }
        if (stream.Documents.Count == 0) return new Dictionary<string, object?>(StringComparer.Ordinal);
        return YamlValues.Convert(stream.Documents[0].RootNode, source) as Dictionary<string, object?>
               ?? throw new OmlException($"{source}: the config must be a mapping of keys to values at the top level");
    }

    private sealed record Change(ConfigOverride Override, bool Delete);

    private static Change ParseOverride(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('~'))
        {
            var key = trimmed[1..].Split('=')[0];
            return new Change(new ConfigOverride(key.Split('.'), null), Delete: true);
        }
        return new Change(ConfigOverride.Parse(trimmed.TrimStart('+')), Delete: false);
    }

    private static Dictionary<string, object?> ComposeDefaults(
        Dictionary<string, object?> primary, string source, string? blocksDirectory, List<Change> changes, List<string> notes)
    {
        if (!primary.Remove("defaults", out var defaultsValue) || defaultsValue is null) return primary;
        if (defaultsValue is not IList<object?> entries)
        {
            throw new OmlException($"{source}: defaults must be a list like [optimizer: adam, sampler: balance, _self_]");
        }

        var composed = new Dictionary<string, object?>(StringComparer.Ordinal);
        var selfMerged = false;
        foreach (var (entry, index) in entries.Select((e, i) => (e, i)))
        {
            if (entry is "_self_")
            {
                ConfigTree.Merge(composed, primary);
                selfMerged = true;
                continue;
            }
            if (entry is not IDictionary<string, object?> { Count: 1 } choice)
            {
                throw new OmlException($"{source}: defaults[{index}] = {ConfigTree.ToInlineString(entry)} is not valid: expected '<group>: <name>' (e.g. 'optimizer: adam') or '_self_'");
            }
            var (groupKey, nameValue) = choice.First();
            var group = groupKey.StartsWith("override ", StringComparison.Ordinal) ? groupKey["override ".Length..].Trim() : groupKey;
            var package = group;
            var at = group.IndexOf('@');
            if (at >= 0)
            {
                package = group[(at + 1)..];
                group = group[..at];
            }
            var name = nameValue as string;
            // a command-line 'group=name' picks another block, as in Hydra
            var picked = changes.FirstOrDefault(c => !c.Delete && c.Override.Path.Count == 1 && c.Override.Path[0] == package && c.Override.Value is string);
            if (picked is not null)
            {
                name = (string)picked.Override.Value!;
                changes.Remove(picked);
            }
            if (name is null)
            {
                if (nameValue is null) continue; // 'group: null' leaves the group out
                throw new OmlException($"{source}: defaults[{index}] '{groupKey}' must name a block, e.g. '{group}: {FirstName(group)}'");
            }
            var block = LoadBlock(group, name, blocksDirectory, $"{source}: defaults[{index}]");
            object? nested = block;
            foreach (var part in package.Split('.').Reverse()) nested = new Dictionary<string, object?>(StringComparer.Ordinal) { [part] = nested };
            ConfigTree.Merge(composed, (Dictionary<string, object?>)nested!);
            notes.Add($"{package}: block {group}/{name} from the defaults list");
        }
        if (!selfMerged) ConfigTree.Merge(composed, primary);
        return composed;
    }

    private static void Apply(Change change, Dictionary<string, object?> config, string? blocksDirectory)
    {
        var path = change.Override.Path;
        if (change.Delete)
        {
            object? node = config;
            if (path.Count > 1 && !ConfigTree.TryGet(config, string.Join('.', path.Take(path.Count - 1)), out node) || node is not IDictionary<string, object?> map || !map.Remove(path[^1]))
            {
                throw new OmlException($"override ~{change.Override.Key}: there is no key {change.Override.Key} to delete");
            }
            return;
        }

        var value = change.Override.Value;
        if (value is string name)
        {
            // 'optimizer=adamw', 'criterion.args.miner=hard_triplets': a bare name replaces a {name, args} block
            var group = GroupOf(path[^1]);
            ConfigTree.TryGet(config, change.Override.Key, out var current);
            var isBlock = current is IDictionary<string, object?> existing && existing.ContainsKey("name");
            var block = BlockFile(group, name, blocksDirectory) is not null || BuiltInBlocks.Exists(group, name)
                ? LoadBlock(group, name, blocksDirectory, $"override {change.Override.Key}")
                : null;
            if (block is not null || isBlock || BuiltInBlocks.Groups.ContainsKey(group))
            {
                change = change with { Override = change.Override with { Value = block ?? new Dictionary<string, object?> { ["name"] = name, ["args"] = new Dictionary<string, object?>() } } };
            }
        }
        change.Override.ApplyTo(config);
    }

    private static string GroupOf(string key) => key.StartsWith("transforms_", StringComparison.Ordinal) ? "transforms" : key;

    private static string? BlockFile(string group, string name, string? blocksDirectory)
    {
        if (blocksDirectory is null) return null;
        var file = Path.Combine(blocksDirectory, group, name + ".yaml");
        return File.Exists(file) ? file : null;
    }

    private static Dictionary<string, object?> LoadBlock(string group, string name, string? blocksDirectory, string where)
    {
        var file = BlockFile(group, name, blocksDirectory);
        if (file is not null) return ParseYamlMapping(File.ReadAllText(file), file);
        var builtIn = BuiltInBlocks.TryLoad(group, name);
        if (builtIn is not null) return builtIn;
        if (!BuiltInBlocks.Groups.TryGetValue(group, out var names))
        {
            throw new OmlException($"{where}: there is no block group '{group}'{Registries.NameSuggestions.DidYouMean(group, BuiltInBlocks.Groups.Keys)}; " +
                                   $"groups: {string.Join(", ", BuiltInBlocks.Groups.Keys)}");
        }
        throw new OmlException($"{where}: there is no block {group}/{name}{Registries.NameSuggestions.DidYouMean(name, names)}; " +
                               $"built-in {group} blocks: {string.Join(", ", names)}" +
                               (blocksDirectory is null ? "" : $" (or write {Path.Combine(blocksDirectory, group, name + ".yaml")})"));
    }

    private static string FirstName(string group) =>
        BuiltInBlocks.Groups.TryGetValue(group, out var names) && names.Count > 0 ? names[0] : "<name>";
}
