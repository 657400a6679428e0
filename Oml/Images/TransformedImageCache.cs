using static System.FormattableString;

namespace Oml.Images;

/// <summary>
/// The transformed images of one dataset split, kept in memory after their first load: sample <c>i</c> is stored as
/// its <c>3 x H x W</c> floats the first time it is transformed and copied from here afterwards. Only for transforms
/// that draw no random numbers (<see cref="IImageTransform.IsRandom"/> false), whose output is the same in every epoch.
/// Thread-safe: loader threads may store and read concurrently; a sample two threads store at once is stored once.
/// </summary>
public sealed class TransformedImageCache
{
    private readonly float[]?[] _samples;
    private int _filled;

    public TransformedImageCache(int count, ImageSize size)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
        _samples = new float[]?[count];
        Size = size;
    }

    /// <summary>The output size of every sample.</summary>
    public ImageSize Size { get; }

    public int Count => _samples.Length;

    /// <summary>How many samples are stored so far.</summary>
    public int Filled => Volatile.Read(ref _filled);

    /// <summary>The memory all <see cref="Count"/> samples take once stored.</summary>
    public long Bytes => BytesFor(Count, Size);

    /// <summary>The memory <paramref name="count"/> float32 samples of <paramref name="size"/> take.</summary>
    public static long BytesFor(int count, ImageSize size) => (long)count * SampleLength(size) * sizeof(float);

    /// <summary>Copies sample <paramref name="index"/> into <paramref name="destination"/>; false when it is not stored yet.</summary>
    public bool TryCopyTo(int index, Span<float> destination)
    {
        var sample = Volatile.Read(ref _samples[index]);
        if (sample is null) return false;
        CheckLength(destination.Length);
        sample.CopyTo(destination);
        return true;
    }

    /// <summary>Stores sample <paramref name="index"/> (a copy of <paramref name="sample"/>) unless it is stored already.</summary>
    public void Store(int index, ReadOnlySpan<float> sample)
    {
        CheckLength(sample.Length);
        if (Volatile.Read(ref _samples[index]) is not null) return;
        var copy = sample.ToArray();
        if (Interlocked.CompareExchange(ref _samples[index], copy, null) is null) Interlocked.Increment(ref _filled);
    }

    private static int SampleLength(ImageSize size) => 3 * size.Width * size.Height;

    private void CheckLength(int length)
    {
        if (length != SampleLength(Size))
            throw new ArgumentException(Invariant($"a sample of {Size} has {SampleLength(Size)} floats, got {length}"));
    }
}
