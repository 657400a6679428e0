using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Oml.IO;
using static TorchSharp.torch;

namespace Oml.Training;

/// <summary>
/// The baseline extractor's embeddings of one split kept on disk between runs (OML's <c>embeddings_cache_dir</c> in
/// <c>oml/lightning/pipelines/train_postprocessor.py: get_loaders_with_embeddings</c>). A file is named by a hash of
/// everything that decides its values (<see cref="Key"/>): OML hashes the extractor block, the extraction transform,
/// the dataframe name and the precision; this key adds the size and time of the weights file and of the dataframe,
/// so a retrained <c>best.ckpt</c> or an edited <c>df.csv</c> under the same name gets new embeddings instead of
/// stale ones. A file whose shape does not fit the split is rebuilt. Files are written atomically.
/// </summary>
public static class EmbeddingsCache
{
    /// <summary>A hex key of <paramref name="settings"/> (each a canonical text) and the files they name, by size and time.</summary>
    public static string Key(IEnumerable<string> settings, IEnumerable<string> files)
    {
        var text = new StringBuilder();
        foreach (var setting in settings) text.Append(setting).Append('\n');
        foreach (var file in files.Where(File.Exists).Select(Path.GetFullPath).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(file);
            text.Append(CultureInfo.InvariantCulture, $"{file}|{info.Length}|{info.LastWriteTimeUtc.Ticks}\n");
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..12];
    }

    /// <summary>Where the embeddings of <paramref name="split"/> (train, val) with <paramref name="key"/> are kept.</summary>
    public static string PathFor(string directory, string split, string key) => Path.Combine(directory, $"emb_{split}_{key}.npy");

    /// <summary>
    /// The cached [<paramref name="rows"/>, D] embeddings at <paramref name="path"/>, or <paramref name="compute"/>'s
    /// (then written there); <paramref name="note"/> says which and why. A null <paramref name="path"/> always computes.
    /// </summary>
    public static Tensor GetOrCompute(string? path, int rows, Func<Tensor> compute, Action<string> note)
    {
        if (path is not null && File.Exists(path))
        {
            var cached = TryRead(path, rows, out var problem);
            if (cached is not null)
            {
                note($"embeddings: read from the cache {path}");
                return cached;
            }
            note($"embeddings: the cache {path} {problem}; computing them again");
        }
        var embeddings = compute();
        if (path is not null)
        {
            OutputLocation.CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var cpu = embeddings.to(ScalarType.Float32).cpu().contiguous();
            NpyFile.WriteMatrix(path, new NpyArray(cpu.data<float>().ToArray(), (int)cpu.shape[0], (int)cpu.shape[1]));
            note($"embeddings: computed and cached in {path}");
        }
        return embeddings;
    }

    private static Tensor? TryRead(string path, int rows, out string problem)
    {
        NpyArray array;
        try
        {
            array = NpyFile.ReadMatrix(path);
        }
        catch (Exception e) when (e is OmlException or IOException or InvalidDataException)
        {
            problem = $"cannot be read ({e.Message})";
            return null;
        }
        if (array.Rows != rows)
        {
            problem = $"holds {array.Rows} rows, but the split has {rows}";
            return null;
        }
        if (array.Data.Any(v => !float.IsFinite(v)))
        {
            problem = "holds non-finite values";
            return null;
        }
        problem = "";
        return tensor(array.Data, [array.Rows, array.Columns]);
    }
}
