using Oml.IO;
using Oml.Retrieval;

namespace Oml.Tests.Retrieval;

/// <summary>A gallery saved as index + sidecar: round trip, the sidecar's checks, queries of the wrong width.</summary>
public sealed class GalleryIndexTests : TempDirectoryTest
{
    private static readonly NpyArray Gallery = ClusteredEmbeddings.Make(50, 20, 12, 0.4f, seed: 8);
    private static readonly NpyArray Queries = ClusteredEmbeddings.Make(50, 2, 12, 0.4f, seed: 9);
    private static readonly string[] Paths = Enumerable.Range(0, 1000).Select(i => $"images/{i:D4}.jpg").ToArray();

    [Theory]
    [InlineData(DistanceKind.Euclidean, IndexQuantization.Float32)]
    [InlineData(DistanceKind.SquaredEuclidean, IndexQuantization.Float16)]
    [InlineData(DistanceKind.Cosine, IndexQuantization.Int8)]
    public void Build_save_load_gives_the_same_results(DistanceKind distance, IndexQuantization quantization)
    {
        var settings = HnswSettings.Default with { Quantization = quantization, ExpansionSearch = 40, Connectivity = 8 };
        KnnResult before;
        using (var built = GalleryIndex.Build(Gallery, Paths, distance, settings))
        {
            before = built.Search(Queries, 7);
            built.Save(Dir.File("gallery.usearch"));
        }
        using var loaded = GalleryIndex.Load(Dir.File("gallery.usearch"));
        var after = loaded.Search(Queries, 7);
        for (var q = 0; q < Queries.Rows; q++)
        {
            Assert.Equal(before.Ids(q).ToArray(), after.Ids(q).ToArray());
            Assert.Equal(before.Distances(q).ToArray(), after.Distances(q).ToArray());
        }
        Assert.Equal(distance, loaded.Info.Distance);
        Assert.Equal(settings, loaded.Info.Settings);
        Assert.Equal(quantization, loaded.Index.Quantization);
        Assert.Equal(8, loaded.Index.Connectivity);
        Assert.Equal(Paths, loaded.Info.Paths);
        Assert.Equal(40, loaded.Index.ExpansionSearch);
    }

    [Fact]
    public void Expansion_search_given_at_load_replaces_the_sidecars()
    {
        using (var built = GalleryIndex.Build(Gallery, null, DistanceKind.Euclidean, HnswSettings.Default)) built.Save(Dir.File("g.usearch"));
        using var loaded = GalleryIndex.Load(Dir.File("g.usearch"), expansionSearch: 300);
        Assert.Equal(300, loaded.Index.ExpansionSearch);
        Assert.Null(loaded.Info.Paths);
        Assert.Contains("expansion_search = 0 is not valid", Assert.Throws<OmlException>(() => GalleryIndex.Load(Dir.File("g.usearch"), expansionSearch: 0)).Message);
    }

    [Fact]
    public void A_missing_or_foreign_sidecar_is_a_user_error()
    {
        using (var built = GalleryIndex.Build(Gallery, null, DistanceKind.Euclidean, HnswSettings.Default)) built.Save(Dir.File("g.usearch"));
        var sidecar = File.ReadAllText(Dir.File("g.usearch.json"));

        File.Delete(Dir.File("g.usearch.json"));
        Assert.Contains("g.usearch.json is missing", Assert.Throws<OmlException>(() => GalleryIndex.Load(Dir.File("g.usearch"))).Message);

        File.WriteAllText(Dir.File("g.usearch.json"), "{not json");
        Assert.Contains("is not valid JSON", Assert.Throws<OmlException>(() => GalleryIndex.Load(Dir.File("g.usearch"))).Message);

        File.WriteAllText(Dir.File("g.usearch.json"), sidecar.Replace("\"index_file_bytes\": ", "\"index_file_bytes\": 1", StringComparison.Ordinal));
        Assert.Contains("come from different builds", Assert.Throws<OmlException>(() => GalleryIndex.Load(Dir.File("g.usearch"))).Message);

        File.WriteAllText(Dir.File("g.usearch.json"), sidecar.Replace("\"distance\": \"euclidean\"", "\"distance\": \"cosine\"", StringComparison.Ordinal));
        Assert.Contains("was built for another distance than cosine", Assert.Throws<OmlException>(() => GalleryIndex.Load(Dir.File("g.usearch"))).Message);

        File.WriteAllText(Dir.File("g.usearch.json"), sidecar.Replace("\"distance\": \"euclidean\"", "\"distance\": \"manhattan\"", StringComparison.Ordinal));
        Assert.Contains("expected euclidean, squared_euclidean or cosine", Assert.Throws<OmlException>(() => GalleryIndex.Load(Dir.File("g.usearch"))).Message);

        Assert.Contains("index file not found", Assert.Throws<OmlException>(() => GalleryIndex.Load(Dir.File("none.usearch"))).Message);
    }

    [Fact]
    public void A_file_that_is_not_an_index_is_a_user_error()
    {
        File.WriteAllText(Dir.File("fake.usearch"), "not an index");
        using (var built = GalleryIndex.Build(Gallery, null, DistanceKind.Euclidean, HnswSettings.Default)) built.Save(Dir.File("g.usearch"));
        File.Copy(Dir.File("g.usearch.json"), Dir.File("fake.usearch.json"));
        var e = Assert.Throws<OmlException>(() => GalleryIndex.Load(Dir.File("fake.usearch")));
        Assert.Contains("fake.usearch", e.Message);
    }

    [Fact]
    public void Queries_of_another_width_are_a_user_error()
    {
        using var index = GalleryIndex.Build(Gallery, null, DistanceKind.Euclidean, HnswSettings.Default);
        var e = Assert.Throws<OmlException>(() => index.Search(new NpyArray(new float[10], 2, 5), 3, "q.npy"));
        Assert.Contains("q.npy have dimension 5 but the index holds gallery embeddings of dimension 12", e.Message);
        Assert.Contains("4 gallery paths for 1000 embeddings", Assert.Throws<OmlException>(() => GalleryIndex.Build(Gallery, ["a", "b", "c", "d"], DistanceKind.Euclidean, HnswSettings.Default)).Message);
    }
}
