using Oml.IO;
using Oml.Retrieval;

namespace Oml.Tests.Retrieval;

/// <summary>The USearch index itself: determinism, distances on this library's scale, thread safety, refused inputs.</summary>
public sealed class HnswIndexTests : TempDirectoryTest
{
    private static readonly NpyArray Gallery = ClusteredEmbeddings.Make(classes: 40, perClass: 50, dimension: 16, noise: 0.3f, seed: 1);

    [Fact]
    public void Building_twice_in_one_process_writes_the_same_bytes()
    {
        using var first = HnswIndex.Build(Gallery.Data, Gallery.Columns, DistanceKind.Euclidean, HnswSettings.Default);
        using var second = HnswIndex.Build(Gallery.Data, Gallery.Columns, DistanceKind.Euclidean, HnswSettings.Default);
        first.Save(Dir.File("a.usearch"));
        second.Save(Dir.File("b.usearch"));
        Assert.Equal(File.ReadAllBytes(Dir.File("a.usearch")), File.ReadAllBytes(Dir.File("b.usearch")));
        Assert.Empty(Directory.GetFiles(Dir.Path, AtomicFile.TempPrefix + "*"));
    }

    [Theory]
    [InlineData(DistanceKind.Euclidean)]
    [InlineData(DistanceKind.SquaredEuclidean)]
    [InlineData(DistanceKind.Cosine)]
    public void Distances_are_this_librarys(DistanceKind distance)
    {
        using var index = HnswIndex.Build(Gallery.Data, Gallery.Columns, distance, HnswSettings.Default);
        var query = Gallery.Data.AsSpan(7 * 16, 16).ToArray();
        var keys = new int[5];
        var distances = new float[5];
        Assert.Equal(5, index.Search(query, keys, distances));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(Reference(query, Gallery.Data.AsSpan(keys[i] * 16, 16), distance), distances[i], 1e-4);
            if (i > 0) Assert.True(distances[i] > distances[i - 1] || (distances[i] == distances[i - 1] && keys[i] > keys[i - 1]));
        }
        Assert.Equal(7, keys[0]);
        Assert.Equal(0f, distances[0], 1e-5);
    }

    [Fact]
    public void Concurrent_searches_give_the_sequential_answers()
    {
        using var index = HnswIndex.Build(Gallery.Data, Gallery.Columns, DistanceKind.Euclidean, HnswSettings.Default with { ExpansionSearch = 16 });
        int[] Search(int row)
        {
            var keys = new int[10];
            var found = index.Search(Gallery.Data.AsSpan(row * 16, 16), keys, new float[10]);
            return keys[..found];
        }
        var sequential = Enumerable.Range(0, Gallery.Rows).Select(Search).ToArray();
        var concurrent = new int[Gallery.Rows][];
        Parallel.For(0, Gallery.Rows, new ParallelOptions { MaxDegreeOfParallelism = 8 }, row => concurrent[row] = Search(row));
        Assert.Equal(sequential, concurrent);
    }

    [Fact]
    public void Expansion_search_changes_after_construction()
    {
        using var index = HnswIndex.Build(Gallery.Data, Gallery.Columns, DistanceKind.Euclidean, HnswSettings.Default);
        Assert.Equal(64, index.ExpansionSearch);
        index.ExpansionSearch = 200;
        Assert.Equal(200, index.ExpansionSearch);
        Assert.Equal(Gallery.Rows, index.Count);
        Assert.True(index.MemoryBytes > Gallery.Data.Length * sizeof(float));
        Assert.Throws<OmlException>(() => index.ExpansionSearch = 0);
    }

    [Fact]
    public void A_search_for_more_than_the_index_holds_returns_everything()
    {
        var small = ClusteredEmbeddings.Make(3, 4, 8, 0.1f, seed: 2);
        using var index = HnswIndex.Build(small.Data, 8, DistanceKind.Euclidean, HnswSettings.Default);
        var keys = new int[20];
        Assert.Equal(12, index.Search(small.Data.AsSpan(0, 8), keys, new float[20]));
        Assert.Equal(Enumerable.Range(0, 12), keys[..12].Order());
    }

    [Fact]
    public void Half_precision_distances_agree_to_about_three_digits()
    {
        using var f16 = HnswIndex.Build(Gallery.Data, 16, DistanceKind.Euclidean, HnswSettings.Default with { Quantization = IndexQuantization.Float16 });
        var keys = new int[3];
        var distances = new float[3];
        f16.Search(Gallery.Data.AsSpan(3 * 16, 16), keys, distances);
        for (var i = 1; i < 3; i++) Assert.Equal(Reference(Gallery.Data.AsSpan(3 * 16, 16), Gallery.Data.AsSpan(keys[i] * 16, 16), DistanceKind.Euclidean), distances[i], 2e-2);
    }

    [Theory]
    [InlineData(DistanceKind.Euclidean)]
    [InlineData(DistanceKind.SquaredEuclidean)]
    public void Int8_is_refused_for_euclidean_distances(DistanceKind distance)
    {
        var e = Assert.Throws<OmlException>(() => HnswIndex.Build(Gallery.Data, 16, distance, HnswSettings.Default with { Quantization = IndexQuantization.Int8 }));
        Assert.Contains("quantization i8 works with the cosine distance only", e.Message);
        using var cosine = HnswIndex.Build(Gallery.Data, 16, DistanceKind.Cosine, HnswSettings.Default with { Quantization = IndexQuantization.Int8 });
        Assert.Equal(IndexQuantization.Int8, cosine.Quantization);
    }

    [Fact]
    public void Nan_embeddings_and_wrong_query_widths_are_user_errors()
    {
        var bad = (float[])Gallery.Data.Clone();
        bad[5 * 16 + 3] = float.NaN;
        Assert.Contains("first at gallery 5", Assert.Throws<OmlException>(() => HnswIndex.Build(bad, 16, DistanceKind.Euclidean, HnswSettings.Default)).Message);
        using var index = HnswIndex.Build(Gallery.Data, 16, DistanceKind.Euclidean, HnswSettings.Default);
        Assert.Contains("dimension 16", Assert.Throws<OmlException>(() => index.Search(new float[15], new int[3], new float[3])).Message);
        Assert.Contains("NaN", Assert.Throws<OmlException>(() => index.Search(bad.AsSpan(5 * 16, 16), new int[3], new float[3])).Message);
    }

    [Fact]
    public void Settings_out_of_range_name_the_setting()
    {
        Assert.Contains("connectivity = 1 is not valid", Assert.Throws<OmlException>(() => (HnswSettings.Default with { Connectivity = 1 }).Validate(DistanceKind.Euclidean, "retrieval.args")).Message);
        Assert.Contains("retrieval.args: expansion_add = 0", Assert.Throws<OmlException>(() => (HnswSettings.Default with { ExpansionAdd = 0 }).Validate(DistanceKind.Euclidean, "retrieval.args")).Message);
        Assert.Contains("expected f32, f16 or i8", Assert.Throws<OmlException>(() => IndexQuantizations.Parse("f8", "--quantization")).Message);
    }

    private static float Reference(ReadOnlySpan<float> a, ReadOnlySpan<float> b, DistanceKind distance)
    {
        double dot = 0, aa = 0, bb = 0, squared = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
            squared += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return distance switch
        {
            DistanceKind.Euclidean => (float)Math.Sqrt(squared),
            DistanceKind.SquaredEuclidean => (float)squared,
            _ => (float)(1 - dot / Math.Sqrt(aa * bb)),
        };
    }
}
