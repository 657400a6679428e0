using System.Text;
using System.Text.Json;
using Oml.IO;

namespace Oml.Metrics;

/// <summary>
/// <c>metrics.json</c>: one flat object, metric names as OML flattens them plus the counts behind the means
/// (<c>queries</c>, <c>galleries</c>, <c>queries_without_gt</c>). NaN (a metric with nothing to average) is null.
/// </summary>
public static class MetricsJson
{
    public static string ToJson(EmbeddingMetricsResult result)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in result.Metrics)
            {
                if (double.IsFinite(value)) writer.WriteNumber(name, value);
                else writer.WriteNull(name);
            }
            writer.WriteNumber("queries", result.Queries);
            writer.WriteNumber("galleries", result.Galleries);
            writer.WriteNumber("queries_without_gt", result.QueriesWithoutGroundTruth);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes atomically (temp file + rename), making the folder if missing.</summary>
    public static void Write(string path, EmbeddingMetricsResult result)
    {
        var full = Path.GetFullPath(path);
        OutputLocation.CreateFolder(Path.GetDirectoryName(full)!);
        AtomicFile.WriteAllText(path, ToJson(result));
    }
}
