using System.Text.Json;

namespace Oml.Training;

/// <summary>JSON to the plain values the config code works with (long, double, string, bool, null, lists, mappings).</summary>
public static class JsonPlainValues
{
    public static object? From(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => From(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(From).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>Replaces <see cref="JsonElement"/> values (what System.Text.Json gives for <c>object</c>) by plain values.</summary>
    public static Dictionary<string, object?> Normalise(Dictionary<string, object?> map) =>
        map.ToDictionary(p => p.Key, p => p.Value is JsonElement e ? From(e) : p.Value, StringComparer.Ordinal);
}
