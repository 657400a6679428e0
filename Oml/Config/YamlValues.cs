using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Oml.Config;

/// <summary>
/// YAML text to plain values with the YAML 1.2 core schema: null, bool, long, double, string, lists
/// (<c>List&lt;object?&gt;</c>) and mappings (<c>Dictionary&lt;string, object?&gt;</c>). Quoted scalars stay strings.
/// </summary>
public static partial class YamlValues
{
    /// <summary>One value as written after <c>key=</c> on a command line (<c>[1, 5]</c>, <c>null</c>, <c>0.5</c>, <c>cosine</c>).</summary>
    public static object? ParseValue(string text, string where)
    {
        if (text.Length == 0) return "";
        const string prefix = "value: ";
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(prefix + text));
            var root = (YamlMappingNode)stream.Documents[0].RootNode;
            return Convert(root.Children[new YamlScalarNode("value")]);
        }
        catch (Exception e) when (YamlSyntaxError.IsSyntaxError(e))
        {
            var problem = YamlSyntaxError.Find(prefix + text, e);
            var column = problem.Line == 1 ? problem.Column - prefix.Length : 0;
            var at = column >= 1 && column <= text.Length + 1 ? $" at column {column}" : "";
            throw new OmlException($"{where}: '{text}' is not a valid YAML value{at}: {problem.Reason}", innerException: e);
        }
    }

    public static object? Convert(YamlNode node) => Convert(node, null);

    /// <summary>Plain values of a YAML node; what a config cannot hold is an error naming <paramref name="source"/>, line and column.</summary>
    /// <param name="source">The file (or other origin) of the YAML, for messages.</param>
    public static object? Convert(YamlNode node, string? source) => Convert(node, source, 0);

    /// <summary>Deeper than this is a mistake (or an alias that contains itself), not a config.</summary>
    private const int MaxDepth = 64;

    private static object? Convert(YamlNode node, string? source, int depth)
    {
        if (depth > MaxDepth)
            throw new OmlException($"{Where(source, node)}: the values are nested more than {MaxDepth} levels deep (or an alias '*' refers to a value that contains it)");
        return node switch
        {
            YamlScalarNode scalar => Scalar(scalar),
            YamlSequenceNode sequence => sequence.Children.Select(child => Convert(child, source, depth + 1)).ToList(),
            YamlMappingNode mapping => Mapping(mapping, source, depth),
            _ => null,
        };
    }

    private static Dictionary<string, object?> Mapping(YamlMappingNode mapping, string? source, int depth)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode scalarKey)
            {
                var what = keyNode is YamlSequenceNode ? "a list" : "a mapping";
                throw new OmlException($"{Where(source, keyNode)}: a key is {what}; config keys are plain names (write 'name: value')");
            }
            var key = scalarKey.Value ?? "";
            if (!result.TryAdd(key, Convert(valueNode, source, depth + 1)))
                throw new OmlException($"{Where(source, keyNode)}: the key '{key}' appears twice in the same mapping; keep one");
        }
        return result;
    }

    private static string Where(string? source, YamlNode node) => $"{source ?? "YAML"}:{node.Start.Line}:{node.Start.Column}";

    private static object? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted) return text;
        if (text is "" or "~" or "null" or "Null" or "NULL") return null;
        if (text is "true" or "True" or "TRUE") return true;
        if (text is "false" or "False" or "FALSE") return false;
        if (IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        return text switch
        {
            ".inf" or "+.inf" or ".Inf" => double.PositiveInfinity,
            "-.inf" or "-.Inf" => double.NegativeInfinity,
            ".nan" or ".NaN" => double.NaN,
            _ => text,
        };
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
