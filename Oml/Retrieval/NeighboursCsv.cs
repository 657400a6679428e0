using System.Globalization;
using System.Text;
using Oml.Data;
using Oml.IO;

namespace Oml.Retrieval;

/// <summary>
/// Search results as a CSV, one line per (query, neighbour): <c>query_row,query_path,rank,gallery_row,gallery_path,distance</c>
/// (rows from 0, rank from 1; a path is empty when the embeddings came without paths), written atomically.
/// </summary>
public static class NeighboursCsv
{
    public static readonly string[] Header = ["query_row", "query_path", "rank", "gallery_row", "gallery_path", "distance"];

    public static void Write(string path, KnnResult result, IReadOnlyList<string>? queryPaths, IReadOnlyList<string>? galleryPaths)
    {
        ArgumentNullException.ThrowIfNull(result);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            writer.Write(CsvTable.FormatLine(Header));
            writer.Write('\n');
            for (var q = 0; q < result.QueryCount; q++)
            {
                var ids = result.Ids(q);
                var distances = result.Distances(q);
                for (var i = 0; i < ids.Length; i++)
                {
                    writer.Write(CsvTable.FormatLine([
                        q.ToString(CultureInfo.InvariantCulture),
                        queryPaths?[q] ?? "",
                        (i + 1).ToString(CultureInfo.InvariantCulture),
                        ids[i].ToString(CultureInfo.InvariantCulture),
                        galleryPaths?[ids[i]] ?? "",
                        distances[i].ToString("R", CultureInfo.InvariantCulture),
                    ]));
                    writer.Write('\n');
                }
            }
        });
    }
}
