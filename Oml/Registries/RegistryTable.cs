namespace Oml.Registries;

/// <summary>
/// A public, open table from registry name to factory, e.g. <c>Registry.Transforms["my_aug"] = args =&gt; ...</c>.
/// Unknown names fail with the list of valid names and a "did you mean".
/// </summary>
public sealed class RegistryTable<T>
{
    private readonly Dictionary<string, Func<BlockArgs, T>> _factories = new(StringComparer.Ordinal);

    public RegistryTable(string kind)
    {
        Kind = kind;
    }

    /// <summary>What the table holds, for messages ("transform", "loss", ...).</summary>
    public string Kind { get; }

    public IEnumerable<string> Names => _factories.Keys.OrderBy(k => k, StringComparer.Ordinal);

    public Func<BlockArgs, T> this[string name]
    {
        get => _factories.TryGetValue(name, out var f) ? f : throw UnknownName(name, Kind);
        set => _factories[name] = value ?? throw new ArgumentNullException(nameof(value));
    }

    public bool Contains(string name) => _factories.ContainsKey(name);

    public bool Remove(string name) => _factories.Remove(name);

    /// <summary>Builds the entry <paramref name="name"/>; <paramref name="args"/> must all be used by the factory.</summary>
    public T Create(string name, BlockArgs args)
    {
        var instance = this[name](args);
        args.EnsureAllKeysUsed(name);
        return instance;
    }

    private OmlException UnknownName(string name, string kind) =>
        new($"Unknown {kind} '{name}'{NameSuggestions.DidYouMean(name, _factories.Keys)}; valid names: {string.Join(", ", Names)}");
}
