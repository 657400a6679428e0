using Oml.IO;

namespace Oml.Tests.Retrieval;

/// <summary>
/// SOP-like test embeddings, seeded: class centres ~ N(0, I), items = centre + noise * N(0, I), row i of class i % classes.
/// Clustered data is what an index meets in practice (uniform random data is its worst case).
/// </summary>
internal static class ClusteredEmbeddings
{
    public static NpyArray Make(int classes, int perClass, int dimension, float noise, int seed)
    {
        var rng = new Random(seed);
        var centres = Normal(rng, classes * dimension);
        var rows = classes * perClass;
        var data = new float[rows * dimension];
        for (var i = 0; i < rows; i++)
        {
            var c = i % classes;
            for (var j = 0; j < dimension; j++) data[i * dimension + j] = centres[c * dimension + j] + noise * Normal(rng);
        }
        return new NpyArray(data, rows, dimension);
    }

    public static Tensor ToTensor(NpyArray array) => tensor(array.Data, [array.Rows, array.Columns]);

    private static float[] Normal(Random rng, int count) => Enumerable.Range(0, count).Select(_ => Normal(rng)).ToArray();

    private static float Normal(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
}
