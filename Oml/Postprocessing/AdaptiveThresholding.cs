using static System.FormattableString;
using Oml.Retrieval;

namespace Oml.Postprocessing;

/// <summary>
/// OML's <c>adaptive_thresholding</c> (<c>oml/retrieval/postprocessors/algo.py: AdaptiveThresholding</c>): cuts each query's list right after its first gap between consecutive
/// distances that is larger than <see cref="NStd"/> times the mean gap. The mean is over all consecutive gaps of
/// all queries (despite the name, no standard deviation is involved). Lists without such a gap stay whole.
/// Unlike OML (quirk Q4 in docs/oml-quirks.md: ZeroDivisionError when the first list has fewer than 2 items), lists of 0 or 1 items
/// simply contribute no gaps, and results without any gap are returned unchanged.
/// </summary>
public sealed class AdaptiveThresholding : IRetrievalPostprocessor
{
    public AdaptiveThresholding(double nStd)
    {
        if (!(nStd > 0) || double.IsInfinity(nStd))
        {
            throw new OmlException(Invariant($"postprocessor.args.n_std must be a positive number (a multiple of the mean gap between distances), got {nStd}"));
        }
        NStd = nStd;
    }

    public double NStd { get; }

    public int? TopN => null;

    public RetrievalResults Process(RetrievalResults results, PostprocessingInputs inputs)
    {
        var meanGap = MeanGap(results.Distances);
        if (meanGap is null) return results.WithRetrieved(results.Retrieved, results.Distances);

        var retrieved = new int[results.QueryCount][];
        var distances = new float[results.QueryCount][];
        for (var q = 0; q < results.QueryCount; q++)
        {
            var kept = KeptCount(results.Distances[q], NStd * meanGap.Value);
            retrieved[q] = results.Retrieved[q][..kept];
            distances[q] = results.Distances[q][..kept];
        }
        return results.WithRetrieved(retrieved, distances);
    }

    /// <summary>Mean of every consecutive gap d[i+1] - d[i] over all lists; null when no list has 2 items.</summary>
    public static double? MeanGap(IEnumerable<float[]> distances)
    {
        var sum = 0.0;
        long count = 0;
        foreach (var d in distances)
        {
            for (var i = 1; i < d.Length; i++)
            {
                sum += d[i] - d[i - 1];
                count++;
            }
        }
        return count == 0 ? null : sum / count;
    }

    /// <summary>Items up to and including the one before the first gap larger than <paramref name="maxGap"/>.</summary>
    public static int KeptCount(ReadOnlySpan<float> distances, double maxGap)
    {
        for (var i = 1; i < distances.Length; i++)
        {
            if (distances[i] - distances[i - 1] > maxGap) return i;
        }
        return distances.Length;
    }
}
