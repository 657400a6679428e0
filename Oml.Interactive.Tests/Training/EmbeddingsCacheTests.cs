using Oml.Training;

namespace Oml.Tests.Training;

public sealed class EmbeddingsCacheTests : TempDirectoryTest
{
    [Fact]
    public void TheKeyChangesWithTheSettingsAndWithTheFilesTheyName()
    {
        var weights = Dir.Write("best.ckpt", "weights v1");
        var key = EmbeddingsCache.Key(["extractor: resnet", "df.csv"], [weights]);

        Assert.Equal(key, EmbeddingsCache.Key(["extractor: resnet", "df.csv"], [weights]));
        Assert.NotEqual(key, EmbeddingsCache.Key(["extractor: vit", "df.csv"], [weights]));
        File.WriteAllText(weights, "weights v2, retrained");
        Assert.NotEqual(key, EmbeddingsCache.Key(["extractor: resnet", "df.csv"], [weights]));
    }

    [Fact]
    public void TheFirstCallComputesAndWritesTheSecondReads()
    {
        var path = EmbeddingsCache.PathFor(Dir.File("cache"), "train", "abc");
        var computed = 0;
        var notes = new List<string>();
        Tensor Compute()
        {
            computed++;
            return tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [3, 2]);
        }

        using var first = EmbeddingsCache.GetOrCompute(path, 3, Compute, notes.Add);
        using var second = EmbeddingsCache.GetOrCompute(path, 3, Compute, notes.Add);

        Assert.Equal(1, computed);
        Assert.True(first.allclose(second, 0, 0));
        Assert.Contains(notes, n => n.Contains("computed and cached", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.Contains("read from the cache", StringComparison.Ordinal));
    }

    [Fact]
    public void ACacheThatDoesNotFitTheSplitIsComputedAgainAndSaysWhy()
    {
        var path = EmbeddingsCache.PathFor(Dir.File("cache"), "val", "abc");
        using (EmbeddingsCache.GetOrCompute(path, 2, () => zeros(2, 4), _ => { })) { }
        var notes = new List<string>();

        using var again = EmbeddingsCache.GetOrCompute(path, 5, () => ones(5, 4), notes.Add);

        Assert.Equal([5L, 4L], again.shape);
        Assert.Contains(notes, n => n.Contains("holds 2 rows, but the split has 5", StringComparison.Ordinal));
        using var reread = EmbeddingsCache.GetOrCompute(path, 5, () => throw new InvalidOperationException("must come from the cache"), _ => { });
        Assert.Equal(1f, reread[0, 0].item<float>());
    }

    [Fact]
    public void AnUnreadableCacheIsComputedAgain()
    {
        var path = EmbeddingsCache.PathFor(Dir.File("cache"), "train", "abc");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "not an npy file");
        var notes = new List<string>();

        using var embeddings = EmbeddingsCache.GetOrCompute(path, 2, () => ones(2, 3), notes.Add);

        Assert.Contains(notes, n => n.Contains("cannot be read", StringComparison.Ordinal));
        Assert.Equal([2L, 3L], embeddings.shape);
    }
}
