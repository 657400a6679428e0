using Oml.Data;

namespace Oml.IO;

/// <summary>
/// Embeddings as <c>oml predict</c> leaves them — a folder with <c>embeddings.npy</c> and <c>paths.csv</c> — or a
/// NumPy <c>.npy</c> matrix, with the items' paths when there are any: from <c>paths.csv</c> in that folder, the
/// <c>paths.csv</c> next to a file named <c>embeddings.npy</c>, or a CSV given explicitly (its <c>path</c> column,
/// one row per embedding, in order).
/// </summary>
public sealed record EmbeddingsWithPaths(NpyArray Embeddings, IReadOnlyList<string>? Paths, string Source)
{
    public const string EmbeddingsFileName = "embeddings.npy";
    public const string PathsFileName = "paths.csv";

    /// <param name="path">A folder written by <c>oml predict</c>, or a .npy file.</param>
    /// <param name="pathsCsv">A CSV with a <c>path</c> column; null to look for <c>paths.csv</c> as described above.</param>
    public static EmbeddingsWithPaths Read(string path, string? pathsCsv = null)
    {
        string npy;
        if (Directory.Exists(path))
        {
            npy = Path.Combine(path, EmbeddingsFileName);
            if (!File.Exists(npy))
            {
                throw new OmlException($"{path} is a folder without {EmbeddingsFileName}: give the save_dir of oml predict or a .npy file of embeddings");
            }
        }
        else
        {
            npy = path;
        }
        var embeddings = NpyFile.ReadMatrix(npy);
        var csv = pathsCsv ?? ImplicitPaths(npy);
        var paths = csv is null ? null : ReadPaths(csv, embeddings.Rows, npy);
        return new EmbeddingsWithPaths(embeddings, paths, npy);
    }

    /// <summary>The paths.csv that oml predict writes next to its embeddings.npy, if it is there.</summary>
    private static string? ImplicitPaths(string npy)
    {
        if (Path.GetFileName(npy) != EmbeddingsFileName) return null;
        var csv = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(npy))!, PathsFileName);
        return File.Exists(csv) ? csv : null;
    }

    private static IReadOnlyList<string> ReadPaths(string csv, int rows, string npy)
    {
        var table = CsvTable.Load(csv);
        var column = table.ColumnIndex("path");
        if (column < 0) throw new OmlException($"{csv} has no 'path' column (header: {string.Join(",", table.Header)}); expected the paths.csv of oml predict");
        if (table.Records.Count != rows)
        {
            throw new OmlException($"{csv} has {table.Records.Count} paths but {npy} has {rows} embeddings: expected one path per row, in order");
        }
        return table.Records.Select(r => r.Cell(column)).ToArray();
    }
}
