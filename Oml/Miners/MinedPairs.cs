namespace Oml.Miners;

/// <summary>
/// Pairs of batch rows for a pairwise model: pair i is (<see cref="First"/>[i], <see cref="Second"/>[i]), a negative
/// pair (different labels, the BCE target 1: "different") when <see cref="IsNegative"/>[i] is true.
/// </summary>
public sealed record MinedPairs(int[] First, int[] Second, bool[] IsNegative)
{
    public int Count => First.Length;

    public int NegativeCount => IsNegative.Count(n => n);
}
