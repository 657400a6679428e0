using Oml.Retrieval;

namespace Oml.Tests.Retrieval;

public sealed class RetrievalResultsTests
{
    private static RetrievalResults Make(int[][] retrieved, float[][] distances, int[][] groundTruth, int galleryCount = 50) =>
        new(retrieved, distances, groundTruth, Enumerable.Range(0, retrieved.Length).ToArray(), Enumerable.Range(0, galleryCount).ToArray());

    private static float[] Ascending(int n) => Enumerable.Range(0, n).Select(i => (float)i).ToArray();

    [Fact]
    public void ValidListsAreKeptAndQueriesWithoutGroundTruthCounted()
    {
        var results = Make([[3, 1, 2], [], [7]], [[0, 1, 1], [], [2]], [[1, 2, 9], [], []]);
        Assert.Equal(1 + 1, results.QueriesWithoutGroundTruth);
        Assert.Equal([false, true, true], results.Hits(0));
        Assert.Empty(results.Hits(1));
        Assert.Equal([false], results.Hits(2));
        Assert.Equal(2, results.FirstCorrectRank(0));
    }

    [Fact]
    public void EveryKindOfBadInputIsNamedWithItsQuery()
    {
        Assert.Contains("query 1: 2 retrieved ids but 1 distances", Assert.Throws<ArgumentException>(() => Make([[1], [1, 2]], [[0], [0]], [[], []])).Message);
        Assert.Contains("query 0: distances are not sorted at position 2", Assert.Throws<ArgumentException>(() => Make([[1, 2, 3]], [[0, 1, 0.5f]], [[]])).Message);
        Assert.Contains("query 0: gallery ids must be in 0..49", Assert.Throws<ArgumentException>(() => Make([[1, 50]], [[0, 1]], [[]])).Message);
        Assert.Contains("query 0: gallery ids must be in 0..49", Assert.Throws<ArgumentException>(() => Make([[1, -1]], [[0, 1]], [[]])).Message);
        Assert.Contains("query 0: gallery ids must be in 0..49", Assert.Throws<ArgumentException>(() => Make([[1]], [[0]], [[3, 50]])).Message);
        Assert.Contains("query 0: a gallery item is retrieved twice", Assert.Throws<ArgumentException>(() => Make([[4, 5, 4]], [[0, 1, 2]], [[]])).Message);
        Assert.Contains("query 0: ground truth must be ascending and unique", Assert.Throws<ArgumentException>(() => Make([[1]], [[0]], [[3, 3]])).Message);
        Assert.Contains("query 0: ground truth must be ascending and unique", Assert.Throws<ArgumentException>(() => Make([[1]], [[0]], [[4, 3]])).Message);
    }

    /// <summary>Long lists (more than the pairwise check handles) are checked for duplicates with a set, query after query.</summary>
    [Fact]
    public void DuplicatesInLongListsAreFound()
    {
        var distinct = Enumerable.Range(0, 40).ToArray();
        var repeated = Enumerable.Range(0, 40).Select(i => i == 39 ? 0 : i).ToArray();
        var ok = Make([distinct, distinct.Reverse().ToArray()], [Ascending(40), Ascending(40)], [[], []]);
        Assert.Equal(2, ok.QueryCount);
        var e = Assert.Throws<ArgumentException>(() => Make([distinct, repeated], [Ascending(40), Ascending(40)], [[], []]));
        Assert.Contains("query 1: a gallery item is retrieved twice", e.Message);
    }
}
