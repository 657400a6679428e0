using Oml.Retrieval;

namespace Oml.Tests.Retrieval;

public sealed class ExactKnnTests
{
    private static float[][] IntegerData(int rows, int dims, int seed, int levels = 3)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, dims).Select(_ => (float)rng.Next(levels)).ToArray()).ToArray();
    }

    private static Tensor ToTensor(float[][] rows) => tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    public static TheoryData<int, int> ChunkSizes => new() { { 1, 1 }, { 3, 5 }, { 7, 2 }, { 16, 64 }, { 1024, 8192 }, { 5, 100 } };

    /// <summary>Integer embeddings: every distance is exact, and there are many ties, so ids must match exactly.</summary>
    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void ChunkedEqualsBruteForceWithTiesSelfAndSequenceExclusions(int queryChunk, int galleryChunk)
    {
        var data = IntegerData(60, 5, seed: queryChunk * 31 + galleryChunk);
        var rng = new Random(7);
        var sequence = Enumerable.Range(0, 60).Select(_ => rng.Next(-1, 6)).ToArray();
        var queryRows = Enumerable.Range(0, 60).Where(i => i % 3 != 2).ToArray();
        var galleryRows = Enumerable.Range(0, 60).Where(i => i % 4 != 1).ToArray();
        var exclusions = new RetrievalExclusions(queryRows, galleryRows, sequence);
        var queries = queryRows.Select(i => data[i]).ToArray();
        var gallery = galleryRows.Select(i => data[i]).ToArray();

        foreach (var distance in new[] { DistanceKind.Euclidean, DistanceKind.SquaredEuclidean })
        {
            using var scope = NewDisposeScope();
            var knn = ExactKnn.Search(ToTensor(queries), ToTensor(gallery), 9, distance, exclusions, new KnnOptions { QueryChunk = queryChunk, GalleryChunk = galleryChunk });
            var expected = BruteForceRetrieval.Search(queries, gallery, 9, distance, exclusions);
            for (var q = 0; q < queries.Length; q++)
            {
                Assert.Equal(expected[q].Ids, knn.Ids(q).ToArray());
                Assert.Equal(expected[q].Distances, knn.Distances(q).ToArray());
            }
        }
    }

    /// <summary>Lists longer than the insertion sort's limit are sorted by distance, then gallery position, as short ones.</summary>
    [Fact]
    public void LongListsWithTiesAreOrderedByDistanceThenPosition()
    {
        var data = IntegerData(80, 3, seed: 11);
        var exclusions = new RetrievalExclusions(Enumerable.Range(0, 80).ToArray(), Enumerable.Range(0, 80).ToArray());
        using var scope = NewDisposeScope();
        var knn = ExactKnn.Search(ToTensor(data), ToTensor(data), 40, DistanceKind.SquaredEuclidean, exclusions, new KnnOptions { QueryChunk = 16, GalleryChunk = 24 });
        var expected = BruteForceRetrieval.Search(data, data, 40, DistanceKind.SquaredEuclidean, exclusions);
        for (var q = 0; q < data.Length; q++)
        {
            Assert.Equal(expected[q].Ids, knn.Ids(q).ToArray());
            Assert.Equal(expected[q].Distances, knn.Distances(q).ToArray());
        }
    }

    [Theory]
    [InlineData(DistanceKind.Euclidean)]
    [InlineData(DistanceKind.SquaredEuclidean)]
    [InlineData(DistanceKind.Cosine)]
    public void RandomFloatsMatchBruteForceUpToRounding(DistanceKind distance)
    {
        var rng = new Random(3);
        var queries = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, 16).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var gallery = Enumerable.Range(0, 300).Select(_ => Enumerable.Range(0, 16).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
        using var scope = NewDisposeScope();
        var knn = ExactKnn.Search(ToTensor(queries), ToTensor(gallery), 20, distance, options: new KnnOptions { QueryChunk = 7, GalleryChunk = 33 });
        var expected = BruteForceRetrieval.Search(queries, gallery, 20, distance, null);
        for (var q = 0; q < queries.Length; q++)
        {
            var got = knn.Distances(q).ToArray();
            for (var i = 0; i < 20; i++) Assert.Equal(expected[q].Distances[i], got[i], 1e-4f);
            for (var i = 0; i < 20; i++)
            {
                var separated = (i == 0 || expected[q].Distances[i] - expected[q].Distances[i - 1] > 1e-4) &&
                                (i == 19 || expected[q].Distances[i + 1] - expected[q].Distances[i] > 1e-4);
                if (separated) Assert.Equal(expected[q].Ids[i], knn.Ids(q)[i]);
            }
        }
    }

    /// <summary>OML's golden case T17 (docs/oml-golden-cases.md): one-hot embeddings, labels [0,0,0,1,1,1], sequence [0,1,2,3,3,4], queries rows 0 and 3.</summary>
    [Fact]
    public void GoldenT17ExclusionsAndTieOrder()
    {
        float[][] rows = [[1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0]];
        var setup = new RetrievalSetup([0, 0, 0, 1, 1, 1], [true, false, false, true, false, false], [true, true, true, true, true, true], [0, 1, 2, 3, 3, 4]);
        using var scope = NewDisposeScope();
        var results = EmbeddingRetrieval.Run(ToTensor(rows), setup, 10);

        var s = MathF.Sqrt(2);
        Assert.Equal([1, 2, 3, 4, 5], results.Retrieved[0]);
        Assert.Equal([0, 0, s, s, s], results.Distances[0]);
        Assert.Equal([1, 2], results.GroundTruth[0]);
        Assert.Equal([5, 0, 1, 2], results.Retrieved[1]);
        Assert.Equal([0, s, s, s], results.Distances[1]);
        Assert.Equal([5], results.GroundTruth[1]);
        Assert.Equal(0, results.QueriesWithoutGroundTruth);
    }

    private sealed class CountingObserver(int queries, int galleries) : IDistanceObserver
    {
        public readonly int[,] Seen = new int[queries, galleries];
        public readonly float[,] Values = new float[queries, galleries];

        public void Observe(int query, int galleryStart, ReadOnlySpan<float> distances)
        {
            for (var i = 0; i < distances.Length; i++)
            {
                Interlocked.Increment(ref Seen[query, galleryStart + i]);
                Values[query, galleryStart + i] = distances[i];
            }
        }
    }

    [Fact]
    public void ObserverSeesEveryPairExactlyOnceWithItsDistance()
    {
        var queries = IntegerData(13, 4, 1, levels: 5);
        var gallery = IntegerData(29, 4, 2, levels: 5);
        var observer = new CountingObserver(13, 29);
        using var scope = NewDisposeScope();
        ExactKnn.Search(ToTensor(queries), ToTensor(gallery), 3, observer: observer, options: new KnnOptions { QueryChunk = 4, GalleryChunk = 6 });
        for (var q = 0; q < 13; q++)
        for (var g = 0; g < 29; g++)
        {
            Assert.Equal(1, observer.Seen[q, g]);
            Assert.Equal(BruteForceRetrieval.Distance(queries[q], gallery[g], DistanceKind.Euclidean), observer.Values[q, g]);
        }
    }

    [Fact]
    public void KLargerThanTheGalleryReturnsEverythingNotExcluded()
    {
        var data = IntegerData(5, 3, 4);
        var setup = new RetrievalSetup([0, 0, 1, 1, 2], [true, true, true, true, true], [true, true, true, true, true]);
        using var scope = NewDisposeScope();
        var results = EmbeddingRetrieval.Run(ToTensor(data), setup, 100);
        Assert.All(results.Retrieved, r => Assert.Equal(4, r.Length));
        Assert.Equal(1, results.QueriesWithoutGroundTruth);
    }

    private sealed class IgnoringObserver : IDistanceObserver
    {
        public void Observe(int query, int galleryStart, ReadOnlySpan<float> distances)
        {
        }
    }

    private static float[][] RandomRows(int rows, int dims, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, dims).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    /// <summary>
    /// Without an observer the scan computes each vector of keys in registers; with one it writes the row's keys out
    /// and selects from them (the scan as it was before). Both must keep the same items with the same floats, also for
    /// chunks wider than the query set, gallery chunks that do not divide the gallery and rows whose length is not a
    /// multiple of the vector width.
    /// </summary>
    [Theory]
    [InlineData(DistanceKind.Euclidean, 100, 37)]
    [InlineData(DistanceKind.SquaredEuclidean, 100, 37)]
    [InlineData(DistanceKind.Cosine, 100, 37)]
    [InlineData(DistanceKind.Euclidean, 16, 64)]
    [InlineData(DistanceKind.Euclidean, 1024, 8192)]
    public void ScanWithoutObserverKeepsTheSameFloatsAsWithOne(DistanceKind distance, int queryChunk, int galleryChunk)
    {
        var queries = RandomRows(70, 13, 5);
        var gallery = RandomRows(203, 13, 6);
        using var scope = NewDisposeScope();
        var options = new KnnOptions { QueryChunk = queryChunk, GalleryChunk = galleryChunk };
        var plain = ExactKnn.Search(ToTensor(queries), ToTensor(gallery), 12, distance, options: options);
        var observed = ExactKnn.Search(ToTensor(queries), ToTensor(gallery), 12, distance, options: options, observer: new IgnoringObserver());
        for (var q = 0; q < queries.Length; q++)
        {
            Assert.Equal(observed.Ids(q).ToArray(), plain.Ids(q).ToArray());
            Assert.Equal(observed.Distances(q).ToArray(), plain.Distances(q).ToArray());
        }
    }

    /// <summary>
    /// The same rows starting at another address give the same floats: the matrix product's last bits depend on its
    /// operands' alignment, so inputs are realigned before the search (this failed about every other run before).
    /// </summary>
    [Theory]
    [InlineData(DistanceKind.Euclidean)]
    [InlineData(DistanceKind.Cosine)]
    public void EqualInputsAtAnyAddressGiveEqualFloats(DistanceKind distance)
    {
        var queries = RandomRows(70, 13, 5).SelectMany(r => r).ToArray();
        var gallery = RandomRows(203, 13, 6).SelectMany(r => r).ToArray();
        using var scope = NewDisposeScope();
        var options = new KnnOptions { QueryChunk = 7, GalleryChunk = 33 };
        KnnResult At(int offset)
        {
            var q = zeros(queries.Length + offset);
            q.narrow(0, offset, queries.Length).copy_(tensor(queries));
            var g = zeros(gallery.Length + 3 - offset);
            g.narrow(0, 3 - offset, gallery.Length).copy_(tensor(gallery));
            return ExactKnn.Search(q.narrow(0, offset, queries.Length).view(70, 13), g.narrow(0, 3 - offset, gallery.Length).view(203, 13), 12, distance, options: options);
        }
        var aligned = At(0);
        for (var offset = 1; offset <= 3; offset++)
        {
            var shifted = At(offset);
            for (var q = 0; q < 70; q++)
            {
                Assert.Equal(aligned.Ids(q).ToArray(), shifted.Ids(q).ToArray());
                Assert.Equal(aligned.Distances(q).ToArray(), shifted.Distances(q).ToArray());
            }
        }
    }

    /// <summary>A gallery prepared once gives what the gallery itself gives: the same floats for a batch, the same neighbours one query at a time.</summary>
    [Theory]
    [InlineData(DistanceKind.Euclidean)]
    [InlineData(DistanceKind.Cosine)]
    [InlineData(DistanceKind.SquaredEuclidean)]
    public void PreparedGalleryGivesTheSameNeighbours(DistanceKind distance)
    {
        var queries = ToTensor(RandomRows(40, 9, 11));
        var gallery = ToTensor(RandomRows(150, 9, 12));
        using var scope = NewDisposeScope();
        var options = new KnnOptions { QueryChunk = 16, GalleryChunk = 64 };
        using var prepared = ExactKnn.PrepareGallery(gallery, distance);
        Assert.Equal((150, 9), (prepared.Count, prepared.Dimensions));
        var direct = ExactKnn.Search(queries, gallery, 7, distance, options: options);
        var batch = ExactKnn.Search(queries, prepared, 7, options: options);
        for (var q = 0; q < 40; q++)
        {
            var single = ExactKnn.Search(queries.narrow(0, q, 1), prepared, 7, options: options);
            Assert.Equal(direct.Ids(q).ToArray(), batch.Ids(q).ToArray());
            Assert.Equal(direct.Distances(q).ToArray(), batch.Distances(q).ToArray());
            // one query is a matrix-vector product, summed in another order than a block of queries: the same
            // neighbours, distances equal to the last bits
            Assert.Equal(direct.Ids(q).ToArray(), single.Ids(0).ToArray());
            foreach (var (expected, actual) in direct.Distances(q).ToArray().Zip(single.Distances(0).ToArray()))
            {
                Assert.Equal(expected, actual, expected * 1e-6);
            }
        }
    }

    /// <summary>One tensor as queries and gallery (prepared and normed once) gives what a copy of it gives.</summary>
    [Theory]
    [InlineData(DistanceKind.Euclidean)]
    [InlineData(DistanceKind.Cosine)]
    public void SearchingRowsAgainstThemselvesEqualsSearchingACopy(DistanceKind distance)
    {
        var rows = RandomRows(90, 7, 8);
        var setup = new RetrievalSetup(Enumerable.Range(0, 90).Select(i => (long)(i / 3)).ToArray(), Enumerable.Repeat(true, 90).ToArray(), Enumerable.Repeat(true, 90).ToArray());
        using var scope = NewDisposeScope();
        var x = ToTensor(rows);
        var options = new KnnOptions { QueryChunk = 32, GalleryChunk = 40 };
        var same = ExactKnn.Search(x, x, 5, distance, setup.Exclusions, options);
        var copied = ExactKnn.Search(x, x.clone(), 5, distance, setup.Exclusions, options);
        for (var q = 0; q < rows.Length; q++)
        {
            Assert.Equal(copied.Ids(q).ToArray(), same.Ids(q).ToArray());
            Assert.Equal(copied.Distances(q).ToArray(), same.Distances(q).ToArray());
        }
    }

    [Fact]
    public void InfiniteGalleryEmbeddingsAreAUserError()
    {
        using var scope = NewDisposeScope();
        var g = ones(5, 3);
        g[3, 0] = tensor(float.PositiveInfinity);
        var e = Assert.Throws<OmlException>(() => ExactKnn.Search(ones(4, 3), g, 2));
        Assert.Contains("gallery embeddings contain NaN or infinite values (first at gallery 3)", e.Message);
    }

    [Fact]
    public void APreparedGalleryNamesItsOwnNonFiniteRow()
    {
        using var scope = NewDisposeScope();
        var g = ones(5, 3);
        g[3, 0] = tensor(float.NaN);
        var e = Assert.Throws<OmlException>(() => ExactKnn.PrepareGallery(g));
        Assert.Contains("gallery embeddings contain NaN or infinite values (first at gallery 3)", e.Message);
        using var prepared = ExactKnn.PrepareGallery(ones(5, 3));
        var q = ones(2, 3);
        q[1, 2] = tensor(float.NegativeInfinity);
        Assert.Contains("query embeddings contain NaN or infinite values (first at query 1)", Assert.Throws<OmlException>(() => ExactKnn.Search(q, prepared, 2)).Message);
    }

    /// <summary>Finite values so large that their squared norms overflow are not mistaken for non-finite ones.</summary>
    [Fact]
    public void HugeFiniteEmbeddingsAreNotAnError()
    {
        using var scope = NewDisposeScope();
        var x = ones(4, 3) * 1e20f;
        var knn = ExactKnn.Search(x, x, 2);
        Assert.Equal(4, knn.QueryCount);
    }

    [Fact]
    public void NonFiniteEmbeddingsAreAUserError()
    {
        using var scope = NewDisposeScope();
        var x = ones(4, 3);
        x[2, 1] = tensor(float.NaN);
        var e = Assert.Throws<OmlException>(() => ExactKnn.Search(x, ones(5, 3), 2));
        Assert.Contains("NaN or infinite values (first at query 2)", e.Message);
    }

    [Fact]
    public void MismatchedWidthsAreAUserError()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("one width", Assert.Throws<OmlException>(() => ExactKnn.Search(ones(4, 3), ones(5, 2), 2)).Message);
    }
}
