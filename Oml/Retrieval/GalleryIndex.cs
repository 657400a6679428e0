using Oml.IO;

namespace Oml.Retrieval;

/// <summary>
/// A gallery saved for approximate search (<c>oml index build</c> / <c>oml index search</c>): the HNSW index file
/// (<c>gallery.usearch</c>, USearch's format) and its JSON sidecar next to it (<c>gallery.usearch.json</c>,
/// <see cref="GalleryIndexInfo"/>). Both are written atomically, the index first, so a reader sees a complete pair
/// or, after a crash between the two, a pair whose sizes disagree, which <see cref="Load"/> reports.
/// </summary>
public sealed class GalleryIndex : IDisposable
{
    private GalleryIndex(HnswIndex index, GalleryIndexInfo info)
    {
        Index = index;
        Info = info;
    }

    public HnswIndex Index { get; }

    /// <summary>What the sidecar holds (after <see cref="Save"/>: what it was written with).</summary>
    public GalleryIndexInfo Info { get; private set; }

    /// <summary>Where the sidecar of the index file <paramref name="indexPath"/> lives: the same name with <c>.json</c> added.</summary>
    public static string SidecarPath(string indexPath) => indexPath + ".json";

    /// <summary>Builds the index of <paramref name="embeddings"/> (row i is gallery item i, named <c>paths[i]</c> when given).</summary>
    public static GalleryIndex Build(NpyArray embeddings, IReadOnlyList<string>? paths, DistanceKind distance, HnswSettings settings, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (paths is not null && paths.Count != embeddings.Rows)
        {
            throw new OmlException($"{paths.Count} gallery paths for {embeddings.Rows} embeddings: expected one path per row");
        }
        if (embeddings.Rows == 0) throw new OmlException("the gallery has no embeddings: nothing to index");
        var index = HnswIndex.Build(embeddings.Data.AsSpan(0, embeddings.Rows * embeddings.Columns), embeddings.Columns, distance, settings, progress);
        var info = new GalleryIndexInfo
        {
            Distance = distance,
            Dimension = embeddings.Columns,
            Count = embeddings.Rows,
            Settings = settings,
            IndexFileBytes = 0,
            USearchVersion = HnswIndex.LibraryVersion,
            Paths = paths,
        };
        return new GalleryIndex(index, info);
    }

    /// <summary>Writes the index file to <paramref name="path"/> and then its sidecar, each atomically.</summary>
    public void Save(string path)
    {
        Index.Save(path);
        var info = Info with
        {
            IndexFileBytes = new FileInfo(path).Length,
            Settings = Info.Settings with { ExpansionSearch = Index.ExpansionSearch },
        };
        AtomicFile.WriteAllText(SidecarPath(path), info.ToJson());
        Info = info;
    }

    /// <summary>
    /// Reads an index and its sidecar. <paramref name="expansionSearch"/> replaces the sidecar's value (more: higher
    /// recall, slower searches).
    /// </summary>
    public static GalleryIndex Load(string path, int? expansionSearch = null)
    {
        if (!File.Exists(path)) throw new OmlException($"{path}: index file not found (build one with oml index build)");
        var sidecar = SidecarPath(path);
        if (!File.Exists(sidecar))
        {
            throw new OmlException($"{sidecar} is missing: the sidecar of {path} holds its distance, expansion_search and the gallery's paths, " +
                                   "and oml index build writes it next to the index; rebuild the index (or copy its .json with it)");
        }
        var info = GalleryIndexInfo.Parse(File.ReadAllText(sidecar), sidecar);
        var bytes = new FileInfo(path).Length;
        if (bytes != info.IndexFileBytes)
        {
            throw new OmlException($"{path} ({bytes} bytes) is not the index {sidecar} describes ({info.IndexFileBytes} bytes): " +
                                   "the two files come from different builds (or a build was interrupted between them); rebuild the index");
        }
        if (expansionSearch is < 1) throw new OmlException($"expansion_search = {expansionSearch} is not valid: expected an integer >= 1");
        var index = HnswIndex.Load(path, info.Distance, expansionSearch ?? info.Settings.ExpansionSearch);
        if (index.Count != info.Count || index.Dimension != info.Dimension)
        {
            index.Dispose();
            throw new OmlException($"{path} holds {index.Count} vectors of dimension {index.Dimension} but {sidecar} describes {info.Count} of dimension {info.Dimension}; rebuild the index");
        }
        return new GalleryIndex(index, info with { Settings = info.Settings with { ExpansionSearch = index.ExpansionSearch } });
    }

    /// <summary>The <paramref name="k"/> nearest gallery items of every row of <paramref name="queries"/>, nearest first.</summary>
    /// <param name="source">What the queries are (a file name), for the message when their dimension is wrong.</param>
    public KnnResult Search(NpyArray queries, int k, string source = "the queries")
    {
        ArgumentNullException.ThrowIfNull(queries);
        if (queries.Columns != Info.Dimension)
        {
            throw new OmlException($"{source} have dimension {queries.Columns} but the index holds gallery embeddings of dimension {Info.Dimension}: " +
                                   "embed the queries with the model that embedded the gallery");
        }
        if (k < 1) throw new OmlException($"k = {k} is not valid: expected the number of neighbours, at least 1");
        var values = queries.Data.Length == queries.Rows * queries.Columns ? queries.Data : queries.Data[..(queries.Rows * queries.Columns)];
        return ExcludingSearch.Run(Index, values, k, exclusions: null);
    }

    public void Dispose() => Index.Dispose();
}
