using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Oml.Interactive;

/// <summary>Reading plotly.js JSON, whether it was parsed from text or built in code.</summary>
internal static class PlotlyJson
{
    /// <summary>
    /// A JSON number as a double (also one built from an int, which <c>TryGetValue&lt;double&gt;</c> refuses), or a string
    /// that holds one (XPlot writes NaN as "NaN"); otherwise null.
    /// </summary>
    public static double? Number(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        var text = value.GetValueKind() switch
        {
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.String => value.GetValue<string>(),
            _ => null,
        };
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;
    }
}
