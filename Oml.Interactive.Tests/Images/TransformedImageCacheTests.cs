using Oml.Data.Sources;
using Oml.Images;
using Oml.Registries;

namespace Oml.Tests.Images;

/// <summary>Transformed images kept in memory after their first load: exact copies, only where the output never changes.</summary>
public sealed class TransformedImageCacheTests : TempDirectoryTest
{
    public TransformedImageCacheTests()
    {
        MockDatasetGenerator.Generate(Dir.Path, new MockDatasetOptions { Classes = 4, PerClass = 4, Size = 64, Seed = 5 });
    }

    private DatasetFrame Frame() => DatasetFrame.Load(Dir.File("df.csv"));

    private static IImageTransform Transform(string name, int size = 32) =>
        Registry.Transforms.Create(name, BlockArgs.From("transforms.args", ("im_size", size)));

    [Fact]
    public void AStoredSampleIsCopiedBackExactlyAndStoredOnce()
    {
        var cache = new TransformedImageCache(3, new ImageSize(2, 2));
        var sample = Enumerable.Range(0, 12).Select(i => i * 0.5f).ToArray();
        var copy = new float[12];
        Assert.False(cache.TryCopyTo(1, copy));
        cache.Store(1, sample);
        cache.Store(1, new float[12]); // a second store of the same sample (another loader thread) keeps the first
        Assert.True(cache.TryCopyTo(1, copy));
        Assert.Equal(sample, copy);
        Assert.Equal(1, cache.Filled);
        Assert.Equal(3 * 12 * sizeof(float), cache.Bytes);
        Assert.Throws<ArgumentException>(() => cache.Store(2, new float[11]));
    }

    [Fact]
    public void ASplitKeptInMemoryLoadsWithoutItsFilesAndGivesTheDecodedValues()
    {
        var frame = Frame();
        var kept = ImageDataset.Validation(frame, Transform("norm_resize_torch"));
        var decoded = ImageDataset.Validation(frame, Transform("norm_resize_torch"));
        Assert.True(kept.TryKeepInMemory(budgetBytes: kept.TransformedBytes!.Value));
        using var scope = torch.NewDisposeScope();
        int[] all = Enumerable.Range(0, kept.Count).ToArray();
        var first = kept.LoadBatch(all, threads: 2);
        Assert.Equal(kept.Count, kept.InMemory!.Filled);

        Directory.Delete(Dir.File("images"), recursive: true);
        var again = kept.LoadBatch([5, 0, 5], epoch: 7);
        Assert.True(again[0].equal(first[5]).all().item<bool>());
        Assert.True(again[1].equal(first[0]).all().item<bool>());
        Assert.Throws<OmlException>(() => decoded.LoadBatch([0])); // the files are gone: only the kept split loads
    }

    [Fact]
    public void OnlyTransformsWithoutRandomnessAndOneOutputSizeWithinTheBudgetAreKept()
    {
        var frame = Frame();
        var deterministic = ImageDataset.Train(frame, Transform("norm_resize_torch"));
        var bytes = deterministic.TransformedBytes!.Value;
        Assert.Equal(frame.Train.Count * 3L * 32 * 32 * sizeof(float), bytes);
        Assert.False(deterministic.TryKeepInMemory(bytes - 1));
        Assert.Null(deterministic.InMemory);
        Assert.True(deterministic.TryKeepInMemory(bytes));

        Assert.False(ImageDataset.Train(frame, Transform("augs_torch")).TryKeepInMemory(long.MaxValue));
        var keepsEachSize = ImageDataset.Train(frame, Registry.Transforms.Create("norm_torch", BlockArgs.From("transforms.args")));
        Assert.Null(keepsEachSize.TransformedBytes);
        Assert.False(keepsEachSize.TryKeepInMemory(long.MaxValue));
    }

    [Fact]
    public void EveryRegisteredTransformSaysWhetherItIsRandom()
    {
        // the augs_* blocks draw crops, flips and colours; every other built-in block is a pure function of the image
        foreach (var name in Registry.Transforms.Names)
        {
            // unicom_transforms has no default size (Unicom's transform(im_size) takes one)
            var args = name == "unicom_transforms" ? BlockArgs.From("transforms.args", ("im_size", 224L)) : BlockArgs.From("transforms.args");
            Assert.True(name.StartsWith("augs_", StringComparison.Ordinal) == Registry.Transforms.Create(name, args).IsRandom, name);
        }
        Assert.Contains("augs_torch", Registry.Transforms.Names);
        Assert.Contains("norm_resize_mlnet", Registry.Transforms.Names);
    }
}
