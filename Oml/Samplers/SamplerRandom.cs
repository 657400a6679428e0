namespace Oml.Samplers;

/// <summary>Seed derivation and the sampling primitives shared by the samplers (OML's <c>smart_sample</c>).</summary>
internal static class SamplerRandom
{
    /// <summary>A generator for one epoch: SplitMix64 of (seed, epoch), never global state.</summary>
    public static Random ForEpoch(int seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return new Random(DeriveSeed(seed, epoch));
    }

    /// <summary>SplitMix64 finaliser over the packed (seed, epoch) pair, folded to a non-negative int.</summary>
    public static int DeriveSeed(int seed, int epoch)
    {
        ulong z = (((ulong)(uint)seed << 32) | (uint)epoch) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFFUL);
    }

    /// <summary>
    /// OML's <c>smart_sample(array, k)</c>: k distinct items when the array has at least k,
    /// otherwise all items in random order followed by <c>k - n</c> draws with replacement.
    /// </summary>
    public static void SmartSample<T>(Random rng, IReadOnlyList<T> items, int k, List<T> output)
    {
        var copy = items.ToArray();
        if (copy.Length >= k)
        {
            PartialShuffle(rng, copy, k);
            for (var i = 0; i < k; i++) output.Add(copy[i]);
            return;
        }
        rng.Shuffle(copy);
        output.AddRange(copy);
        for (var i = copy.Length; i < k; i++) output.Add(copy[rng.Next(copy.Length)]);
    }

    /// <summary>k distinct items drawn uniformly without replacement, in draw order.</summary>
    public static T[] Choose<T>(Random rng, IReadOnlyList<T> items, int k)
    {
        var copy = items.ToArray();
        PartialShuffle(rng, copy, k);
        return copy[..k];
    }

    /// <summary>Fisher-Yates on the first k slots only: <c>array[..k]</c> is a uniform k-subset in random order.</summary>
    private static void PartialShuffle<T>(Random rng, T[] array, int k)
    {
        for (var i = 0; i < k; i++)
        {
            var j = rng.Next(i, array.Length);
            (array[i], array[j]) = (array[j], array[i]);
        }
    }
}
