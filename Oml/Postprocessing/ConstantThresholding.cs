using Oml.Retrieval;

namespace Oml.Postprocessing;

/// <summary>
/// OML's <c>constant_thresholding</c>: keeps the retrieved items closer than a fixed distance (strictly).
/// Ground truth is unchanged, so queries may end with shorter or empty lists.
/// </summary>
public sealed class ConstantThresholding : IRetrievalPostprocessor
{
    public ConstantThresholding(float th)
    {
        if (float.IsNaN(th)) throw new OmlException("postprocessor.args.th must be a number (a distance), got NaN");
        Threshold = th;
    }

    /// <summary>Items with distance &lt; this are kept.</summary>
    public float Threshold { get; }

    public int? TopN => null;

    public RetrievalResults Process(RetrievalResults results, PostprocessingInputs inputs)
    {
        var retrieved = new int[results.QueryCount][];
        var distances = new float[results.QueryCount][];
        for (var q = 0; q < results.QueryCount; q++)
        {
            var kept = KeptCount(results.Distances[q], Threshold);
            retrieved[q] = results.Retrieved[q][..kept];
            distances[q] = results.Distances[q][..kept];
        }
        return results.WithRetrieved(retrieved, distances);
    }

    /// <summary>Length of the prefix of ascending <paramref name="distances"/> that is below the threshold.</summary>
    public static int KeptCount(ReadOnlySpan<float> distances, float threshold)
    {
        var kept = 0;
        while (kept < distances.Length && distances[kept] < threshold) kept++;
        return kept;
    }
}
