using Oml.Retrieval;

namespace Oml.Registries;

/// <summary>
/// The <c>retrieval</c> config key of validation: null (the exact search), a bare name (<c>retrieval=usearch</c>) or
/// <c>{name, args: {..., report_recall}}</c>.
/// </summary>
public static class RetrievalBlock
{
    /// <summary>
    /// Builds the search of <paramref name="block"/> and checks it against the distance the metrics use (an
    /// <c>i8</c> index serves cosine only), so a wrong block fails before any embedding is computed.
    /// </summary>
    public static RetrievalMethod Create(ConfigBlock? block, DistanceKind distance)
    {
        if (block is null) return RetrievalMethod.Exact;
        var args = block.CreateArgs();
        var reportRecall = args.GetBool("report_recall", false);
        var search = Registry.Retrieval.Create(block.Name, args);
        if (search is HnswKnnSearch hnsw) hnsw.Settings.Validate(distance, args.Path);
        return new RetrievalMethod(search, reportRecall);
    }
}
