using System.Globalization;

namespace Oml.Config;

/// <summary>Helpers over the plain config tree (string-keyed dictionaries, lists, scalars) that the YAML loader makes.</summary>
public static class ConfigTree
{
    /// <summary>A deep copy, so blocks taken from shared defaults can be changed freely.</summary>
    public static object? Clone(object? value) => value switch
    {
        IDictionary<string, object?> map => map.ToDictionary(p => p.Key, p => Clone(p.Value), StringComparer.Ordinal),
        IList<object?> list => list.Select(Clone).ToList(),
        _ => value,
    };

    /// <summary>
    /// Merges <paramref name="overlay"/> into <paramref name="target"/>: mappings merge key by key, anything else
    /// (scalars, lists, null) replaces, as OmegaConf's merge does.
    /// </summary>
    public static void Merge(IDictionary<string, object?> target, IReadOnlyDictionary<string, object?> overlay)
    {
        foreach (var (key, value) in overlay)
        {
            if (value is IReadOnlyDictionary<string, object?> child && target.TryGetValue(key, out var existing) && existing is IDictionary<string, object?> existingMap)
            {
                Merge(existingMap, child);
            }
            else
            {
                target[key] = Clone(value);
            }
        }
    }

    /// <summary>The value at a dotted path (<c>metric_args.cmc_top_k</c>), or false if a part is missing.</summary>
    public static bool TryGet(IReadOnlyDictionary<string, object?> root, string dottedPath, out object? value)
    {
        object? node = root;
        foreach (var part in dottedPath.Split('.'))
        {
            switch (node)
            {
                case IReadOnlyDictionary<string, object?> map when map.TryGetValue(part, out var child):
                    node = child;
                    break;
                case IList<object?> list when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < list.Count:
                    node = list[index];
                    break;
                default:
                    value = null;
                    return false;
            }
        }
        value = node;
        return true;
    }

    /// <summary>
    /// How a value is written inside a larger string, as OmegaConf's <c>str()</c> does (True, None, 1e-05); lists and
    /// mappings inline, as YAML flow style (<c>[1, 5]</c>, <c>{name: adam, args: {lr: 0.001}}</c>).
    /// </summary>
    public static string ToInlineString(object? value) => value switch
    {
        null => "None",
        string s => s,
        bool b => b ? "True" : "False",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable<KeyValuePair<string, object?>> map => "{" + string.Join(", ", map.Select(p => $"{p.Key}: {ToInlineString(p.Value)}")) + "}",
        System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(ToInlineString)) + "]",
        _ => value.ToString() ?? "",
    };
}
