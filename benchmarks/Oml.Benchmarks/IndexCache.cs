using System.Globalization;
using System.Text.Json;
using Oml.Retrieval;

namespace Oml.Benchmarks;

/// <summary>
/// Built indexes of <c>index-scale</c> kept between runs (a 1M build takes many minutes on one core): one file per
/// set of parameters that shape the graph — the data (size, dimension, seed, noise), the distance, the build settings
/// and the USearch version — named after them, with a JSON note of how long the build took and how much memory it
/// added. Index and note are each written atomically, the note last; an index without its note is built again.
/// </summary>
internal sealed record IndexCache(string Folder)
{
    public sealed record BuildNote(double Seconds, double RssGrowthMb, long USearchBytes, string BuiltUtc, string Machine);

    public static string DefaultFolder => Path.Combine(Path.GetTempPath(), "oml-index-scale-cache");

    public string IndexPath(int galleryCount, int dimension, float noise, DistanceKind distance, HnswSettings settings) =>
        Path.Combine(Folder, string.Create(CultureInfo.InvariantCulture,
            $"g{galleryCount}-d{dimension}-seed{IndexScaleData.Seed}-noise{noise}-per{IndexScaleData.ImagesPerClass}-{DistanceKinds.Name(distance)}-" +
            $"m{settings.Connectivity}-ea{settings.ExpansionAdd}-{IndexQuantizations.Name(settings.Quantization)}-usearch{HnswIndex.LibraryVersion}.usearch"));

    public static string NotePath(string indexPath) => indexPath + ".build.json";

    /// <summary>The cached index and its note, or null when either is missing.</summary>
    public static (HnswIndex Index, BuildNote Note)? TryLoad(string indexPath, DistanceKind distance)
    {
        if (!File.Exists(indexPath) || !File.Exists(NotePath(indexPath))) return null;
        var note = JsonSerializer.Deserialize<BuildNote>(File.ReadAllText(NotePath(indexPath)), BenchUtil.Json)!;
        return (HnswIndex.Load(indexPath, distance, HnswSettings.Default.ExpansionSearch), note);
    }

    public static void Store(string indexPath, HnswIndex index, BuildNote note)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(indexPath)!);
        index.Save(indexPath);
        Oml.IO.AtomicFile.WriteAllText(NotePath(indexPath), JsonSerializer.Serialize(note, BenchUtil.Json));
    }
}
