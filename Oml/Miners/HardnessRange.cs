using static System.FormattableString;

namespace Oml.Miners;

/// <summary>
/// Which of the hardest candidates <see cref="NHardTripletsMiner"/> takes: from the <see cref="From"/>-th to the
/// <see cref="To"/>-th hardest, 1-based and inclusive. An int n means (1, n), a pair (a, b) means (a, b), as OML's
/// <c>n_positive</c> / <c>n_negative</c>.
/// </summary>
public readonly record struct HardnessRange
{
    public HardnessRange(int from, int to)
    {
        if (from < 1 || to < from) throw new OmlException(Invariant($"a hardness range (a, b) needs 1 <= a <= b, got ({from}, {to})"));
        From = from;
        To = to;
    }

    public int From { get; }

    public int To { get; }

    public static implicit operator HardnessRange(int n) =>
        n >= 1 ? new HardnessRange(1, n) : throw new OmlException(Invariant($"a hardness count must be a positive integer, got {n}"));

    public static implicit operator HardnessRange((int From, int To) range) => new(range.From, range.To);
}
