namespace Oml.Registries;

/// <summary>
/// A public, open table from registry name to a factory that also gets run-time inputs which are not in the config
/// (<typeparamref name="TContext"/>, e.g. the train labels for a sampler), e.g.
/// <c>Registry.Losses["my_loss"] = (args, context) =&gt; new MyLoss(args.GetDouble("margin", 0.2));</c>.
/// Unknown names fail with the list of valid names and a "did you mean"; keys a factory does not read fail too.
/// </summary>
public sealed class RegistryTable<TContext, T>
{
    private readonly Dictionary<string, Func<BlockArgs, TContext, T>> _factories = new(StringComparer.Ordinal);

    public RegistryTable(string kind)
    {
        Kind = kind;
    }

    /// <summary>What the table holds, for messages ("loss", "sampler", ...).</summary>
    public string Kind { get; }

    public IEnumerable<string> Names => _factories.Keys.OrderBy(k => k, StringComparer.Ordinal);

    public Func<BlockArgs, TContext, T> this[string name]
    {
        get => _factories.TryGetValue(name, out var f) ? f : throw UnknownName(name);
        set => _factories[name] = value ?? throw new ArgumentNullException(nameof(value));
    }

    public bool Contains(string name) => _factories.ContainsKey(name);

    public bool Remove(string name) => _factories.Remove(name);

    /// <summary>Fails as an unknown name does (valid names and a "did you mean"), e.g. to check a config before building.</summary>
    public void ThrowIfUnknown(string name)
    {
        if (!_factories.ContainsKey(name)) throw UnknownName(name);
    }

    /// <summary>Builds the entry <paramref name="name"/>; <paramref name="args"/> must all be used by the factory.</summary>
    public T Create(string name, BlockArgs args, TContext context)
    {
        var instance = this[name](args, context);
        args.EnsureAllKeysUsed(name);
        return instance;
    }

    /// <summary>
    /// Builds a config block found at <paramref name="path"/>: a bare name (<c>sampler: balance</c>) or
    /// <c>{name, args}</c>; see <see cref="ConfigBlock.Parse"/>.
    /// </summary>
    public T Create(object? block, string path, TContext context)
    {
        var parsed = ConfigBlock.Parse(block, path, Kind, Names);
        return Create(parsed.Name, parsed.CreateArgs(), context);
    }

    private OmlException UnknownName(string name) =>
        new($"Unknown {Kind} '{name}'{NameSuggestions.DidYouMean(name, _factories.Keys)}; valid names: {string.Join(", ", Names)}");
}
