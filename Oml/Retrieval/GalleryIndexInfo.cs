using System.Text;
using System.Text.Json;

namespace Oml.Retrieval;

/// <summary>
/// The JSON sidecar of a saved gallery index (<c>gallery.usearch.json</c> next to <c>gallery.usearch</c>): what
/// USearch's own file does not keep — the distance (Euclidean and squared Euclidean share its metric),
/// expansion_search, the gallery items' paths — plus what ties the two files together (count, dimension, the index
/// file's size) so a sidecar of another build is noticed.
/// </summary>
public sealed record GalleryIndexInfo
{
    public const string FormatName = "oml-gallery-index";
    public const int FormatVersion = 1;

    public required DistanceKind Distance { get; init; }

    public required int Dimension { get; init; }

    public required int Count { get; init; }

    public required HnswSettings Settings { get; init; }

    /// <summary>Size of the index file this sidecar was written with.</summary>
    public required long IndexFileBytes { get; init; }

    /// <summary>The USearch version that built the index.</summary>
    public required string USearchVersion { get; init; }

    /// <summary>Path (or other name) of each gallery item, key order; null when the embeddings came without paths.</summary>
    public IReadOnlyList<string>? Paths { get; init; }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", FormatName);
            writer.WriteNumber("version", FormatVersion);
            writer.WriteString("usearch_version", USearchVersion);
            writer.WriteString("distance", DistanceKinds.Name(Distance));
            writer.WriteNumber("dimension", Dimension);
            writer.WriteNumber("count", Count);
            writer.WriteNumber("connectivity", Settings.Connectivity);
            writer.WriteNumber("expansion_add", Settings.ExpansionAdd);
            writer.WriteNumber("expansion_search", Settings.ExpansionSearch);
            writer.WriteString("quantization", IndexQuantizations.Name(Settings.Quantization));
            writer.WriteNumber("index_file_bytes", IndexFileBytes);
            if (Paths is null)
            {
                writer.WriteNull("paths");
            }
            else
            {
                writer.WriteStartArray("paths");
                foreach (var path in Paths) writer.WriteStringValue(path);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <param name="source">The sidecar's file name, for messages.</param>
    public static GalleryIndexInfo Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new OmlException($"{source} is not valid JSON ({e.Message}); rebuild the index with oml index build");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || String(root, "format", source) != FormatName)
            {
                throw new OmlException($"{source} is not the sidecar of a gallery index (expected \"format\": \"{FormatName}\")");
            }
            var version = Int(root, "version", source);
            if (version != FormatVersion)
            {
                throw new OmlException($"{source} has sidecar version {version}; this library reads version {FormatVersion}: rebuild the index with this version's oml index build");
            }
            return new GalleryIndexInfo
            {
                Distance = DistanceKinds.Parse(String(root, "distance", source), $"{source}: distance"),
                Dimension = Int(root, "dimension", source),
                Count = Int(root, "count", source),
                Settings = new HnswSettings
                {
                    Connectivity = Int(root, "connectivity", source),
                    ExpansionAdd = Int(root, "expansion_add", source),
                    ExpansionSearch = Int(root, "expansion_search", source),
                    Quantization = IndexQuantizations.Parse(String(root, "quantization", source), $"{source}: quantization"),
                },
                IndexFileBytes = Property(root, "index_file_bytes", source, JsonValueKind.Number).GetInt64(),
                USearchVersion = String(root, "usearch_version", source),
                Paths = ReadPaths(root, source),
            };
        }
    }

    private static IReadOnlyList<string>? ReadPaths(JsonElement root, string source)
    {
        if (!root.TryGetProperty("paths", out var paths) || paths.ValueKind == JsonValueKind.Null) return null;
        if (paths.ValueKind != JsonValueKind.Array) throw Bad(source, "paths", "a list of strings or null");
        return paths.EnumerateArray().Select(p => p.ValueKind == JsonValueKind.String ? p.GetString()! : throw Bad(source, "paths", "a list of strings or null")).ToArray();
    }

    private static string String(JsonElement root, string name, string source) => Property(root, name, source, JsonValueKind.String).GetString()!;

    private static int Int(JsonElement root, string name, string source) =>
        Property(root, name, source, JsonValueKind.Number).TryGetInt32(out var value) ? value : throw Bad(source, name, "an integer");

    private static JsonElement Property(JsonElement root, string name, string source, JsonValueKind kind)
    {
        if (!root.TryGetProperty(name, out var value)) throw new OmlException($"{source} has no \"{name}\"; rebuild the index with oml index build");
        return value.ValueKind == kind ? value : throw Bad(source, name, kind == JsonValueKind.String ? "a string" : "a number");
    }

    private static OmlException Bad(string source, string name, string expected) =>
        new($"{source}: \"{name}\" is not valid: expected {expected}; rebuild the index with oml index build");
}
