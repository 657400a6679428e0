namespace Oml.Retrieval;

/// <summary>
/// The knobs of an HNSW index (USearch's names and defaults). <see cref="Connectivity"/> and
/// <see cref="ExpansionAdd"/> shape the graph when it is built; <see cref="ExpansionSearch"/> is how many candidates
/// a search keeps (more: higher recall, slower queries) and may change between searches of the same graph.
/// </summary>
public sealed record HnswSettings
{
    /// <summary>Neighbours per node and layer (USearch's M); more: higher recall, more memory, slower build.</summary>
    public int Connectivity { get; init; } = 16;

    /// <summary>Candidates kept while inserting (efConstruction); more: a better graph, a slower build.</summary>
    public int ExpansionAdd { get; init; } = 128;

    /// <summary>Candidates kept while searching (ef); a search for k items keeps at least k.</summary>
    public int ExpansionSearch { get; init; } = 64;

    public IndexQuantization Quantization { get; init; } = IndexQuantization.Float32;

    public static HnswSettings Default { get; } = new();

    /// <summary>Throws when a value is out of range or the quantization cannot serve <paramref name="distance"/>.</summary>
    /// <param name="where">How the caller names these settings (a config path such as <c>retrieval.args</c>, or "the index").</param>
    public void Validate(DistanceKind distance, string where)
    {
        if (Connectivity < 2) throw new OmlException($"{where}: connectivity = {Connectivity} is not valid: expected an integer >= 2 (default 16)");
        if (ExpansionAdd < 1) throw new OmlException($"{where}: expansion_add = {ExpansionAdd} is not valid: expected an integer >= 1 (default 128)");
        if (ExpansionSearch < 1) throw new OmlException($"{where}: expansion_search = {ExpansionSearch} is not valid: expected an integer >= 1 (default 64)");
        if (Quantization == IndexQuantization.Int8 && distance != DistanceKind.Cosine)
        {
            throw new OmlException($"{where}: quantization i8 works with the cosine distance only (USearch normalises i8 vectors, which changes " +
                                   $"{DistanceKinds.Name(distance)} distances); use f16 or f32, or the cosine distance");
        }
    }
}
