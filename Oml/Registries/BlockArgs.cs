using System.Globalization;

namespace Oml.Registries;

/// <summary>
/// The <c>args</c> of a <c>{name, args}</c> config block, with typed getters whose errors name the config path,
/// the value and the expected type. Values are what the YAML loader produces (null, bool, long, double, string,
/// lists and string-keyed dictionaries) or plain C# values. Call <see cref="EnsureAllKeysUsed"/> after reading,
/// so a misspelt key is an error with a "did you mean" instead of being ignored.
/// </summary>
public sealed class BlockArgs
{
    private readonly IReadOnlyDictionary<string, object?> _values;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public BlockArgs(IReadOnlyDictionary<string, object?>? values, string path)
    {
        _values = values ?? new Dictionary<string, object?>();
        Path = path;
    }

    /// <summary>Config path of these args, e.g. <c>transforms_train.args</c>.</summary>
    public string Path { get; }

    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>The config path of one key (<c>sampler.args.n_labels</c>; just the key at the top level).</summary>
    public string KeyPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public static BlockArgs Empty(string path) => new(null, path);

    public static BlockArgs From(string path, params (string Key, object? Value)[] values) =>
        new(values.ToDictionary(v => v.Key, v => v.Value), path);

    public bool Has(string key) => _values.ContainsKey(key);

    /// <summary>Every key a getter asked for so far, whether the config had it or not.</summary>
    public IReadOnlySet<string> KeysRead => _read.ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Accepts the keys of <paramref name="known"/> (another pipeline's keys) that are present and that no getter asked
    /// for: they are marked read, so <see cref="EnsureAllKeysUsed"/> lets them pass, and returned in order for a note.
    /// </summary>
    public IReadOnlyList<string> AcceptUnread(IEnumerable<string> known)
    {
        var accepted = known.Where(k => _values.ContainsKey(k) && !_read.Contains(k)).Distinct().Order(StringComparer.Ordinal).ToArray();
        _read.UnionWith(accepted);
        return accepted;
    }

    public object? GetRaw(string key)
    {
        _read.Add(key);
        return _values.TryGetValue(key, out var v) ? v : null;
    }

    public int GetInt(string key, int defaultValue) => GetNullableInt(key) ?? defaultValue;

    public int GetInt(string key) => GetNullableInt(key) ?? throw Missing(key, "an integer");

    public int? GetNullableInt(string key)
    {
        var value = GetRaw(key);
        return value is null ? null : ToInt(value, KeyPath(key));
    }

    public long GetLong(string key, long defaultValue)
    {
        var value = GetRaw(key);
        var path = KeyPath(key);
        return value switch
        {
            null => defaultValue,
            int i => i,
            long l => l,
            double d when d == Math.Floor(d) && d is >= long.MinValue and < 9.2233720368547758e18 => (long)d,
            string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw WrongType(path, value, "an integer"),
        };
    }

    /// <summary>A number or a list of numbers (e.g. one learning rate for every parameter group, or one each).</summary>
    public IReadOnlyList<double>? GetNullableDoubleOrList(string key)
    {
        var value = GetRaw(key);
        if (value is null) return null;
        var path = KeyPath(key);
        if (value is string or bool || value is not System.Collections.IEnumerable) return [ToDouble(value, path)];
        return AsList(value, path, "a number or a list of numbers").Select((v, i) => ToDouble(v, $"{path}[{i}]")).ToArray();
    }

    public double GetDouble(string key, double defaultValue) => GetNullableDouble(key) ?? defaultValue;

    public double GetDouble(string key) => GetNullableDouble(key) ?? throw Missing(key, "a number");

    public double? GetNullableDouble(string key)
    {
        var value = GetRaw(key);
        return value is null ? null : ToDouble(value, KeyPath(key));
    }

    public bool GetBool(string key, bool defaultValue)
    {
        var value = GetRaw(key);
        return value switch
        {
            null => defaultValue,
            bool b => b,
            string s when bool.TryParse(s, out var b) => b,
            _ => throw WrongType(KeyPath(key), value, "true or false"),
        };
    }

    public string GetString(string key, string defaultValue) => GetNullableString(key) ?? defaultValue;

    public string GetString(string key) => GetNullableString(key) ?? throw Missing(key, "a string");

    public string? GetNullableString(string key)
    {
        var value = GetRaw(key);
        return value switch
        {
            null => null,
            string s => s,
            bool or IList<object?> or IDictionary<string, object?> => throw WrongType(KeyPath(key), value, "a string"),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
    }

    public IReadOnlyList<double> GetDoubleList(string key, IReadOnlyList<double> defaultValue)
    {
        var value = GetRaw(key);
        if (value is null) return defaultValue;
        var path = KeyPath(key);
        return AsList(value, path, "a list of numbers").Select((v, i) => ToDouble(v, $"{path}[{i}]")).ToArray();
    }

    public IReadOnlyList<int> GetIntList(string key, IReadOnlyList<int> defaultValue)
    {
        var value = GetRaw(key);
        if (value is null) return defaultValue;
        var path = KeyPath(key);
        return AsList(value, path, "a list of integers").Select((v, i) => ToInt(v, $"{path}[{i}]")).ToArray();
    }

    /// <summary>A nested <c>{name, args}</c> block, or null when the key is absent or null.</summary>
    public ConfigBlock? GetBlock(string key) => ConfigBlock.FromValue(GetRaw(key), KeyPath(key));

    /// <summary>A nested <c>{name, args}</c> block that must be present.</summary>
    public ConfigBlock GetRequiredBlock(string key, string example) =>
        GetBlock(key) ?? throw new OmlException($"{KeyPath(key)} is required: a block like {example}");

    /// <summary>Fails with the list of keys that no getter asked for.</summary>
    public void EnsureAllKeysUsed(string blockName)
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToArray();
        if (unknown.Length == 0) return;
        var valid = _read.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        var details = unknown.Select(k => $"{KeyPath(k)}: unknown key{NameSuggestions.DidYouMean(k, valid)}").ToArray();
        throw new OmlException(
            $"'{blockName}' does not take {string.Join(", ", unknown.Select(k => $"'{k}'"))}{(Path.Length == 0 ? "" : $" at {Path}")}; valid keys: {string.Join(", ", valid)}",
            details);
    }

    private OmlException Missing(string key, string expected) =>
        new($"{KeyPath(key)} is required: expected {expected}");

    internal static OmlException WrongType(string path, object? value, string expected) =>
        new($"{path} = {Describe(value)} is not valid: expected {expected}");

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
        IList<object?> list => "[" + string.Join(", ", list.Select(Describe)) + "]",
        IDictionary<string, object?> => "a mapping",
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "?",
    };

    private static IList<object?> AsList(object value, string path, string expected) => value switch
    {
        IList<object?> list => list,
        System.Collections.IEnumerable e and not string => e.Cast<object?>().ToList(),
        _ => throw WrongType(path, value, expected),
    };

    private static int ToInt(object? value, string path)
    {
        switch (value)
        {
            case int i: return i;
            case long l when l is >= int.MinValue and <= int.MaxValue: return (int)l;
            case double d when d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue: return (int)d;
            case string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed): return parsed;
            default: throw WrongType(path, value, "an integer");
        }
    }

    private static double ToDouble(object? value, string path) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw WrongType(path, value, "a number"),
    };
}
