using Oml.Retrieval;

namespace Oml.Tests.Retrieval;

/// <summary>The HNSW search behind the retrieval interface: recall, exclusions (with widening), determinism, fallbacks.</summary>
public sealed class HnswKnnSearchTests
{
    [Fact]
    public void Recall_at_10_on_clustered_data_is_above_0_97_with_the_defaults()
    {
        var gallery = ClusteredEmbeddings.Make(classes: 300, perClass: 20, dimension: 32, noise: 0.4f, seed: 3);
        var queries = ClusteredEmbeddings.Make(classes: 300, perClass: 2, dimension: 32, noise: 0.4f, seed: 3 + 1000);
        using var scope = NewDisposeScope();
        var (q, g) = (ClusteredEmbeddings.ToTensor(queries), ClusteredEmbeddings.ToTensor(gallery));
        var exact = ExactKnn.Search(q, g, 10, DistanceKind.Euclidean);
        var approximate = new HnswKnnSearch().Search(q, g, 10, DistanceKind.Euclidean);
        var recall = RetrievalRecall.AtK(Lists(approximate), Lists(exact), 10);
        Assert.True(recall >= 0.97, $"recall@10 = {recall}");
        for (var i = 0; i < approximate.QueryCount; i++)
        {
            Assert.Equal(10, approximate.Count(i));
            var d = approximate.Distances(i);
            for (var j = 1; j < d.Length; j++) Assert.True(d[j] >= d[j - 1]);
        }
    }

    [Fact]
    public void The_same_inputs_give_the_same_lists()
    {
        var data = ClusteredEmbeddings.Make(100, 20, 16, 0.5f, seed: 4);
        using var scope = NewDisposeScope();
        var x = ClusteredEmbeddings.ToTensor(data);
        var search = new HnswKnnSearch(HnswSettings.Default with { ExpansionSearch = 12 });
        var first = search.Search(x, x, 5, DistanceKind.Cosine);
        var second = search.Search(x, x, 5, DistanceKind.Cosine);
        Assert.Equal(Lists(first), Lists(second));
        Assert.Equal(Enumerable.Range(0, first.QueryCount).Select(i => first.Distances(i).ToArray()), Enumerable.Range(0, second.QueryCount).Select(i => second.Distances(i).ToArray()));
    }

    /// <summary>
    /// Rows 0..59 in 6 sequences of 10 near-duplicates each: a query's 9 nearest items are its own sequence, which it
    /// may not retrieve, so the first request (k + k of its 10 excluded items) comes back with too few and is widened.
    /// </summary>
    [Fact]
    public void Own_row_and_sequence_are_never_retrieved_even_when_they_fill_the_first_request()
    {
        var centres = ClusteredEmbeddings.Make(6, 1, 8, 0f, seed: 5);
        var noise = ClusteredEmbeddings.Make(60, 1, 8, 1f, seed: 6);
        var rows = new float[60 * 8];
        for (var i = 0; i < 60; i++)
        {
            for (var j = 0; j < 8; j++) rows[i * 8 + j] = 3 * centres.Data[(i / 10) * 8 + j] + 0.01f * noise.Data[i * 8 + j];
        }
        var sequence = Enumerable.Range(0, 60).Select(i => i / 10).ToArray();
        var all = Enumerable.Range(0, 60).ToArray();
        var exclusions = new RetrievalExclusions(all, all, sequence);
        using var scope = NewDisposeScope();
        var x = tensor(rows, [60, 8]);
        var approximate = new HnswKnnSearch().Search(x, x, 3, DistanceKind.Euclidean, exclusions);
        var exact = ExactKnn.Search(x, x, 3, DistanceKind.Euclidean, exclusions);
        for (var q = 0; q < 60; q++)
        {
            Assert.Equal(3, approximate.Count(q));
            foreach (var id in approximate.Ids(q).ToArray()) Assert.NotEqual(q / 10, id / 10);
        }
        Assert.Equal(1.0, RetrievalRecall.AtK(Lists(approximate), Lists(exact), 3));
    }

    [Fact]
    public void A_search_for_the_whole_gallery_is_the_exact_search()
    {
        var data = ClusteredEmbeddings.Make(5, 6, 4, 0.5f, seed: 7);
        var all = Enumerable.Range(0, 30).ToArray();
        var exclusions = new RetrievalExclusions(all, all);
        using var scope = NewDisposeScope();
        var x = ClusteredEmbeddings.ToTensor(data);
        var approximate = new HnswKnnSearch().Search(x, x, 30, DistanceKind.Euclidean, exclusions);
        var exact = ExactKnn.Search(x, x, 30, DistanceKind.Euclidean, exclusions);
        Assert.Equal(Lists(exact), Lists(approximate));
        Assert.All(Enumerable.Range(0, 30), q => Assert.Equal(29, approximate.Count(q)));
    }

    [Fact]
    public void Excluded_counts_cover_the_own_row_and_the_sequence()
    {
        // rows 0..5; queries 0, 1, 2, 5; gallery 0, 2, 3, 4; sequences: 0 -> 7, 1 -> none, 2 -> 7, 3 -> 7, 4 -> 8, 5 -> 8
        var exclusions = new RetrievalExclusions([0, 1, 2, 5], [0, 2, 3, 4], [7, -1, 7, 7, 8, 8]);
        Assert.Equal([3, 0, 3, 1], exclusions.ExcludedCounts());
        var plain = new RetrievalExclusions([0, 1], [1, 2]);
        Assert.Equal([0, 1], plain.ExcludedCounts());
    }

    [Fact]
    public void Keep_allowed_copies_the_allowed_items_in_order_until_full()
    {
        var exclusions = new RetrievalExclusions([0], [0, 1, 2, 3], [5, 5, -1, 5]);
        var ids = new int[2];
        var distances = new float[2];
        var kept = ExcludingSearch.KeepAllowed([3, 0, 2, 1], [0.1f, 0.2f, 0.3f, 0.4f], 0, exclusions, ids, distances);
        Assert.Equal(1, kept);
        Assert.Equal(2, ids[0]);
        Assert.Equal(0.3f, distances[0]);
        Assert.Equal(2, ExcludingSearch.KeepAllowed([3, 0, 2, 1], [0.1f, 0.2f, 0.3f, 0.4f], 0, null, ids, distances));
        Assert.Equal([3, 0], ids);
    }

    [Fact]
    public void Recall_is_pooled_over_queries_and_reads_the_first_k()
    {
        int[][] exact = [[1, 2, 3], [4, 5, 6], []];
        int[][] approximate = [[1, 3, 9], [6, 5, 4], [7]];
        Assert.Equal(5.0 / 6, RetrievalRecall.AtK(approximate, exact, 3), 12);
        Assert.Equal(1.0 / 2, RetrievalRecall.AtK(approximate, exact, 1), 12);
        Assert.True(double.IsNaN(RetrievalRecall.AtK([[1]], [[]], 1)));
    }

    private static int[][] Lists(KnnResult result) => Enumerable.Range(0, result.QueryCount).Select(q => result.Ids(q).ToArray()).ToArray();
}
