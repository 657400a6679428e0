using Oml.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Images;

/// <summary>
/// The images of one split of a <see cref="DatasetFrame"/>: reads each row's file (through the byte cache), crops its
/// box, applies the transform and writes batches straight into <c>[N, 3, H, W]</c> tensors, decoding in parallel.
/// Randomness is reproducible: sample <c>i</c> in epoch <c>e</c> always gets the generator seeded from
/// <c>(seed, e, i)</c>, whatever thread decodes it. A file that cannot be read fails with its CSV row.
/// With <see cref="TryKeepInMemory"/> a split whose transform is not random keeps its transformed images after their
/// first load (<see cref="InMemory"/>).
/// </summary>
public sealed class ImageDataset
{
    private readonly ImageReader _reader;
    private readonly ImageSize? _fixedOutputSize;

    public ImageDataset(DatasetFrame frame, IReadOnlyList<DatasetRow> rows, IImageTransform transform, ImageReader? reader = null, int seed = 0)
    {
        Frame = frame;
        Rows = rows;
        Transform = transform;
        Seed = seed;
        _reader = reader ?? new ImageReader();
        var a = transform.OutputSize(97, 61);
        var b = transform.OutputSize(61, 97);
        _fixedOutputSize = a == b ? a : null;
    }

    public DatasetFrame Frame { get; }

    public IReadOnlyList<DatasetRow> Rows { get; }

    public IImageTransform Transform { get; }

    public int Seed { get; }

    public int Count => Rows.Count;

    /// <summary>The transformed images kept in memory after their first load; null when they are decoded at every load.</summary>
    public TransformedImageCache? InMemory { get; private set; }

    /// <summary>The memory all transformed images take; null when their size depends on the image (a transform that keeps it).</summary>
    public long? TransformedBytes => _fixedOutputSize is { } size ? TransformedImageCache.BytesFor(Count, size) : null;

    /// <summary>
    /// Keeps the transformed images in memory after their first load when the transform draws no random numbers, gives
    /// every image one size and all of them take at most <paramref name="budgetBytes"/>. Returns whether they are kept.
    /// </summary>
    public bool TryKeepInMemory(long budgetBytes)
    {
        if (InMemory is not null) return true;
        if (Transform.IsRandom || _fixedOutputSize is not { } size || Count == 0 || TransformedBytes > budgetBytes) return false;
        InMemory = new TransformedImageCache(Count, size);
        return true;
    }

    /// <summary>Labels in row order (train: remapped 0..N-1; validation: as written).</summary>
    public long[] Labels() => Rows.Select(r => r.Label).ToArray();

    /// <summary>The train split of <paramref name="frame"/>.</summary>
    public static ImageDataset Train(DatasetFrame frame, IImageTransform transform, int cacheSize = 0, int seed = 0) =>
        new(frame, frame.Train, transform, new ImageReader(cacheSize), seed);

    /// <summary>The validation split of <paramref name="frame"/>.</summary>
    public static ImageDataset Validation(DatasetFrame frame, IImageTransform transform, int cacheSize = 0, int seed = 0) =>
        new(frame, frame.Validation, transform, new ImageReader(cacheSize), seed);

    /// <summary>The generator of sample <paramref name="index"/> in <paramref name="epoch"/>.</summary>
    public Random RandomFor(int index, int epoch) => new(DeriveSeed(Seed, epoch, index));

    /// <summary>One transformed sample as a new <c>[3, H, W]</c> tensor.</summary>
    public Tensor Get(int index, int epoch = 0)
    {
        using var image = Decode(index);
        return Transform.ApplyToTensor(image, RandomFor(index, epoch));
    }

    /// <summary>
    /// The samples <paramref name="indices"/> as one new <c>[N, 3, H, W]</c> float32 tensor, decoded on up to
    /// <paramref name="threads"/> threads (default: all cores).
    /// </summary>
    public Tensor LoadBatch(IReadOnlyList<int> indices, int epoch = 0, int? threads = null)
    {
        if (indices.Count == 0) throw new ArgumentException("A batch needs at least one index", nameof(indices));
        var size = _fixedOutputSize ?? CommonOutputSize(indices);
        var batch = empty([indices.Count, 3, size.Height, size.Width], ScalarType.Float32);
        try
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = threads ?? Environment.ProcessorCount };
            Parallel.For(0, indices.Count, options, slot =>
            {
                var index = indices[slot];
                var destination = ImageTransformExtensions.SampleSpan(batch, slot, size);
                if (InMemory is { } kept && kept.TryCopyTo(index, destination)) return;
                using var image = Decode(index);
                var output = Transform.OutputSize(image.Width, image.Height);
                if (output != size) throw DifferentSizes(index, output, size);
                Transform.Apply(image, RandomFor(index, epoch), destination);
                InMemory?.Store(index, destination);
            });
            return batch;
        }
        catch (AggregateException e)
        {
            batch.Dispose();
            throw e.InnerExceptions.OfType<OmlException>().FirstOrDefault() ?? (Exception)e;
        }
        catch
        {
            batch.Dispose();
            throw;
        }
    }

    /// <summary>Decodes (and box-crops) the image of row <paramref name="index"/>; errors name the CSV row.</summary>
    public RgbImage Decode(int index)
    {
        var row = Rows[index];
        try
        {
            return _reader.Read(Frame.ResolvePath(row), row.Box, Transform);
        }
        catch (OmlException e)
        {
            throw new OmlException($"{Where(row)}: {e.Message}", e.Details, e);
        }
    }

    private ImageSize CommonOutputSize(IReadOnlyList<int> indices)
    {
        ImageSize? first = null;
        foreach (var index in indices)
        {
            var row = Rows[index];
            ImageSize source;
            try
            {
                source = row.Box is { } box
                    ? new ImageSize(box.Width, box.Height)
                    : _reader.Decoder.ReadSize(_reader.Cache.GetOrRead(Frame.ResolvePath(row)), Frame.ResolvePath(row));
            }
            catch (OmlException e)
            {
                throw new OmlException($"{Where(row)}: {e.Message}", e.Details, e);
            }
            var output = Transform.OutputSize(source.Width, source.Height);
            if (first is null) first = output;
            else if (output != first) throw DifferentSizes(index, output, first.Value);
        }
        return first!.Value;
    }

    private OmlException DifferentSizes(int index, ImageSize size, ImageSize expected) =>
        new($"{Where(Rows[index])}: the transform gives {size} here but {expected} for another image of the batch; " +
            "a transform that keeps each image's size (norm_torch, norm_albu) needs images of one size, otherwise use a resizing transform such as norm_resize_torch");

    private string Where(DatasetRow row) =>
        row.RowNumber > 0 ? $"{Frame.Source} row {row.RowNumber} ({row.Path})" : $"{Frame.Source} ({row.Path})";

    /// <summary>SplitMix64 over (seed, epoch, index): independent, well-spread seeds for every sample.</summary>
    public static int DeriveSeed(int seed, int epoch, int index)
    {
        var x = (ulong)(uint)seed;
        x = Mix(x ^ ((ulong)(uint)epoch << 32));
        x = Mix(x ^ (uint)index);
        return (int)(x ^ (x >> 32));
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
