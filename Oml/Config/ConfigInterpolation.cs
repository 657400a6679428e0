using System.Text;

namespace Oml.Config;

/// <summary>
/// Resolves OmegaConf interpolations in a config tree, in place: <c>${key.path}</c> (absolute paths; a whole-value
/// reference keeps the referenced type), <c>${now:%Y-%m-%d_%H-%M-%S}</c> (Hydra's resolver, one timestamp per load),
/// <c>${oc.env:NAME}</c> / <c>${oc.env:NAME,default}</c>. <c>\${</c> is a literal <c>${</c>.
/// </summary>
public sealed class ConfigInterpolation
{
    private readonly Dictionary<string, object?> _root;
    private readonly DateTime _now;
    private readonly HashSet<string> _resolving = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resolved = new(StringComparer.Ordinal);

    private ConfigInterpolation(Dictionary<string, object?> root, DateTime now)
    {
        _root = root;
        _now = now;
    }

    public static void ResolveInPlace(Dictionary<string, object?> root, DateTime now) =>
        new ConfigInterpolation(root, now).ResolveNode(root, "");

    private void ResolveNode(object? node, string path)
    {
        switch (node)
        {
            case IDictionary<string, object?> map:
                foreach (var key in map.Keys.ToArray()) map[key] = ResolveValue(map[key], Join(path, key));
                break;
            case IList<object?> list:
                for (var i = 0; i < list.Count; i++) list[i] = ResolveValue(list[i], $"{path}[{i}]");
                break;
        }
    }

    private object? ResolveValue(object? value, string path)
    {
        if (value is not string text || !text.Contains("${", StringComparison.Ordinal))
        {
            ResolveNode(value, path);
            return value;
        }
        if (!_resolving.Add(path))
        {
            throw new OmlException($"config key {path}: the interpolation '{text}' refers back to itself ({string.Join(" -> ", _resolving)} -> {path})");
        }
        try
        {
            return Interpolate(text, path);
        }
        finally
        {
            _resolving.Remove(path);
            _resolved.Add(path);
        }
    }

    private object? Interpolate(string text, string path)
    {
        var parts = Split(text, path);
        if (parts.Count == 1 && parts[0].IsReference) return ConfigTree.Clone(Evaluate(parts[0].Text, path));
        var result = new StringBuilder();
        foreach (var part in parts) result.Append(part.IsReference ? ConfigTree.ToInlineString(Evaluate(part.Text, path)) : part.Text);
        return result.ToString();
    }

    private object? Evaluate(string expression, string path)
    {
        var colon = expression.IndexOf(':');
        if (colon > 0)
        {
            var resolver = expression[..colon].Trim();
            var argument = expression[(colon + 1)..];
            return resolver switch
            {
                "now" => StrftimeFormat.Format(_now, argument, $"config key {path}"),
                "oc.env" => Environment(argument, path),
                _ => throw new OmlException($"config key {path}: unknown resolver '{resolver}' in '${{{expression}}}'; supported: now, oc.env"),
            };
        }
        var target = expression.Trim();
        if (target.StartsWith('.'))
        {
            throw new OmlException($"config key {path}: relative interpolation '${{{expression}}}' is not supported; write the absolute path, e.g. ${{{AbsoluteHint(path)}}}");
        }
        if (!ConfigTree.TryGet(_root, target, out var value))
        {
            var top = target.Split('.')[0];
            throw new OmlException($"config key {path}: '${{{expression}}}' refers to '{target}', which is not in the config" +
                                   Registries.NameSuggestions.DidYouMean(top, _root.Keys));
        }
        if (value is string or IDictionary<string, object?> or IList<object?> && !_resolved.Contains(target))
        {
            value = ResolveValue(value, target);
            SetResolved(target, value);
        }
        return value;
    }

    private void SetResolved(string dottedPath, object? value)
    {
        var dot = dottedPath.LastIndexOf('.');
        object? parent = _root;
        if (dot >= 0 && !ConfigTree.TryGet(_root, dottedPath[..dot], out parent)) return;
        if (parent is IDictionary<string, object?> map) map[dottedPath[(dot + 1)..]] = value;
    }

    private static object? Environment(string argument, string path)
    {
        var comma = argument.IndexOf(',');
        var name = (comma < 0 ? argument : argument[..comma]).Trim();
        var value = System.Environment.GetEnvironmentVariable(name);
        if (value is not null) return value;
        if (comma >= 0) return YamlValues.ParseValue(argument[(comma + 1)..].Trim(), $"config key {path}");
        throw new OmlException($"config key {path}: environment variable {name} is not set (write ${{oc.env:{name},default}} to give a default)");
    }

    private static string AbsoluteHint(string path)
    {
        var dot = path.LastIndexOf('.');
        return dot < 0 ? "key" : path[..dot] + ".key";
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private readonly record struct Part(string Text, bool IsReference);

    private static List<Part> Split(string text, string path)
    {
        var parts = new List<Part>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '\\' && i + 2 < text.Length && text[i + 1] == '$' && text[i + 2] == '{')
            {
                literal.Append("${");
                i += 3;
                continue;
            }
            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var end = text.IndexOf('}', i + 2);
                if (end < 0) throw new OmlException($"config key {path}: '{text}' has '${{' without a closing '}}'");
                if (literal.Length > 0) parts.Add(new Part(literal.ToString(), false));
                literal.Clear();
                parts.Add(new Part(text[(i + 2)..end], true));
                i = end + 1;
                continue;
            }
            literal.Append(text[i++]);
        }
        if (literal.Length > 0 || parts.Count == 0) parts.Add(new Part(literal.ToString(), false));
        return parts;
    }
}
