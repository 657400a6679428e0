using System.Text.Json.Nodes;

namespace Oml.Interactive;

/// <summary>
/// Rewrites titles in the form plotly.js 1.x accepted into the form plotly.js 3 and later require:
/// <c>"title": "t"</c> becomes <c>"title": {"text": "t"}</c> on the layout, its axes and legend, traces and their colour
/// bars; <c>titlefont</c>, <c>titleside</c>, <c>titleposition</c> and <c>titleoffset</c> move into that object. XPlot.Plotly
/// writes the old form.
/// </summary>
internal static class PlotlyTitles
{
    private static readonly (string Legacy, string Key)[] MovedIntoTitle =
        [("titlefont", "font"), ("titleside", "side"), ("titleposition", "position"), ("titleoffset", "offset")];

    /// <summary>Upgrades <paramref name="node"/> in place: an object, or an array of objects (the traces).</summary>
    public static void Upgrade(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                UpgradeObject(obj);
                break;
            case JsonArray array:
                foreach (var item in array.OfType<JsonObject>()) UpgradeObject(item);
                break;
        }
    }

    private static void UpgradeObject(JsonObject obj)
    {
        if (obj["title"] is JsonValue value)
        {
            obj["title"] = new JsonObject { ["text"] = value.DeepClone() };
        }
        foreach (var (legacy, key) in MovedIntoTitle)
        {
            if (!obj.TryGetPropertyValue(legacy, out var moved)) continue;
            obj.Remove(legacy);
            if (obj["title"] is not JsonObject title)
            {
                title = new JsonObject();
                obj["title"] = title;
            }
            if (!title.ContainsKey(key)) title[key] = moved;
        }
        // data arrays (x, y, text, customdata, ...) never hold titles: only nested objects are visited
        foreach (var child in obj.Select(p => p.Value).OfType<JsonObject>().ToArray())
        {
            UpgradeObject(child);
        }
    }
}
