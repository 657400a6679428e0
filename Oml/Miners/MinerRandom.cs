namespace Oml.Miners;

/// <summary>
/// A seeded <see cref="Random"/> that counts its draws, so that its state is two numbers (the seed and the draws):
/// restoring replays that many draws on a fresh generator with that seed. Each method draws exactly one sample of the
/// seeded generator, so the sequence is the same as a plain <c>new Random(seed)</c>'s.
/// </summary>
internal sealed class MinerRandom(int seed)
{
    private Random _random = new(seed);

    public int Seed { get; private set; } = seed;

    public long Draws { get; private set; }

    /// <summary>A non-negative int, as <see cref="Random.Next()"/>.</summary>
    public int Next()
    {
        Draws++;
        return _random.Next();
    }

    /// <summary>An int in [0, <paramref name="maxValue"/>), as <see cref="Random.Next(int)"/>.</summary>
    public int Next(int maxValue)
    {
        Draws++;
        return _random.Next(maxValue);
    }

    /// <summary>An int in [<paramref name="minValue"/>, <paramref name="maxValue"/>), as <see cref="Random.Next(int, int)"/>.</summary>
    public int Next(int minValue, int maxValue)
    {
        Draws++;
        return _random.Next(minValue, maxValue);
    }

    /// <summary>Where a generator seeded with <paramref name="seed"/> stands after <paramref name="draws"/> draws.</summary>
    public void Restore(int seed, long draws)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(draws);
        var random = new Random(seed);
        for (long i = 0; i < draws; i++) random.Next();
        _random = random;
        Seed = seed;
        Draws = draws;
    }
}
