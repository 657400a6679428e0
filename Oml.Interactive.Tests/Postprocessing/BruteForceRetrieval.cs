using Oml.Postprocessing;
using Oml.Retrieval;

namespace Oml.Tests.Postprocessing;

/// <summary>Exact retrieval and neighbour lists from a full distance matrix, for small test sets.</summary>
internal static class BruteForceRetrieval
{
    public static double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => ((double)x - y) * ((double)x - y)).Sum());

    public static float[][] RandomPoints(int count, int dimension, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, dimension).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
    }

    public static Tensor ToTensor(float[][] points) => tensor(points.SelectMany(p => p).ToArray(), [points.Length, points[0].Length]);

    /// <summary>Each query's nearest gallery items (itself excluded), ties by gallery position; ground truth = same label.</summary>
    public static RetrievalResults Retrieve(float[][] points, int[] labels, int[] queryRows, int[] galleryRows, int topN)
    {
        var retrieved = new int[queryRows.Length][];
        var distances = new float[queryRows.Length][];
        var groundTruth = new int[queryRows.Length][];
        for (var q = 0; q < queryRows.Length; q++)
        {
            var row = queryRows[q];
            var candidates = Enumerable.Range(0, galleryRows.Length).Where(g => galleryRows[g] != row).ToArray();
            var ranked = candidates
                .Select(g => (Gallery: g, Distance: (float)Distance(points[row], points[galleryRows[g]])))
                .OrderBy(c => c.Distance).ThenBy(c => c.Gallery).Take(topN).ToArray();
            retrieved[q] = ranked.Select(c => c.Gallery).ToArray();
            distances[q] = ranked.Select(c => c.Distance).ToArray();
            groundTruth[q] = candidates.Where(g => labels[galleryRows[g]] == labels[row]).ToArray();
        }
        return new RetrievalResults(retrieved, distances, groundTruth, queryRows, galleryRows);
    }
}

/// <summary>Neighbours from the full distance matrix (double precision), ties by index.</summary>
internal sealed class BruteForceNeighbourSource : INeighbourSource
{
    public int Calls { get; private set; }

    public (int[][] Ids, float[][] Distances) Nearest(Tensor embeddings, int k)
    {
        Calls++;
        var n = (int)embeddings.shape[0];
        var values = embeddings.to(ScalarType.Float32).cpu().data<float>().ToArray();
        var points = values.Chunk((int)embeddings.shape[1]).ToArray();
        var ids = new int[n][];
        var distances = new float[n][];
        for (var i = 0; i < n; i++)
        {
            var ranked = Enumerable.Range(0, n).Select(j => (Id: j, Distance: BruteForceRetrieval.Distance(points[i], points[j])))
                .OrderBy(c => c.Distance).ThenBy(c => c.Id).Take(k).ToArray();
            ids[i] = ranked.Select(c => c.Id).ToArray();
            distances[i] = ranked.Select(c => (float)c.Distance).ToArray();
        }
        return (ids, distances);
    }
}
