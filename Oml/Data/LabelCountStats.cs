namespace Oml.Data;

/// <summary>Images per label: how many labels, and the min / median / max count.</summary>
public sealed record LabelCountStats(int Labels, int Min, double Median, int Max)
{
    public static LabelCountStats Of(IEnumerable<long> labels)
    {
        var counts = labels.GroupBy(l => l).Select(g => g.Count()).OrderBy(c => c).ToArray();
        if (counts.Length == 0) return new LabelCountStats(0, 0, 0, 0);
        var mid = counts.Length / 2;
        var median = counts.Length % 2 == 1 ? counts[mid] : (counts[mid - 1] + counts[mid]) / 2.0;
        return new LabelCountStats(counts.Length, counts[0], median, counts[^1]);
    }

    public override string ToString() => Labels == 0 ? "-" : $"{Min} / {Median:0.#} / {Max}";
}
