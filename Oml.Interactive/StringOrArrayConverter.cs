using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DotNet.Interactive.Commands;

namespace Oml.Interactive;

/// <summary>A repeated option arrives as a JSON array, a single one as a string (or a number, for <c>@csharp:</c> values).</summary>
internal sealed class StringOrArrayConverter : JsonConverter<string[]>
{
    public override string[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            var values = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) values.Add(Scalar(ref reader));
            return values.ToArray();
        }
        return reader.TokenType == JsonTokenType.Null ? [] : [Scalar(ref reader)];
    }

    public override void Write(Utf8JsonWriter writer, string[] value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var v in value) writer.WriteStringValue(v);
        writer.WriteEndArray();
    }

    private static string Scalar(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString() ?? "",
        JsonTokenType.StartArray or JsonTokenType.StartObject => JsonDocument.ParseValue(ref reader).RootElement.GetRawText(),
        _ => JsonDocument.ParseValue(ref reader).RootElement.GetRawText(),
    };
}
