using Oml.Retrieval;

namespace Oml.Registries;

/// <summary>
/// The built-in searches of the <c>retrieval</c> block: <c>exact</c> (the streaming exact search, the default) and
/// <c>usearch</c> (an HNSW index: <c>connectivity</c> 16, <c>expansion_add</c> 128, <c>expansion_search</c> 64,
/// <c>quantization</c> f32 | f16 | i8, USearch's defaults). <c>report_recall</c> belongs to every entry and is read
/// by <see cref="RetrievalBlock"/>; add your own search with <c>Registry.Retrieval["mine"] = args =&gt; new MySearch(...)</c>.
/// </summary>
public static class RetrievalRegistry
{
    public static RegistryTable<IKnnSearch> CreateDefault()
    {
        var table = new RegistryTable<IKnnSearch>("retrieval");
        table["exact"] = _ => new ExactKnnSearch();
        table["usearch"] = args =>
        {
            var defaults = HnswSettings.Default;
            return new HnswKnnSearch(new HnswSettings
            {
                Connectivity = args.GetInt("connectivity", defaults.Connectivity),
                ExpansionAdd = args.GetInt("expansion_add", defaults.ExpansionAdd),
                ExpansionSearch = args.GetInt("expansion_search", defaults.ExpansionSearch),
                Quantization = IndexQuantizations.Parse(args.GetString("quantization", IndexQuantizations.Name(defaults.Quantization)), args.KeyPath("quantization")),
            });
        };
        return table;
    }
}
