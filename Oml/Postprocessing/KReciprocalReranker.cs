using static System.FormattableString;
using Oml.Retrieval;
using static Oml.Postprocessing.KReciprocalFunctions;
using static TorchSharp.torch;

namespace Oml.Postprocessing;

/// <summary>
/// k-reciprocal re-ranking (Zhong et al., "Re-ranking Person Re-identification with k-reciprocal Encoding",
/// CVPR 2017), following the authors' reference code: squared Euclidean distances, each item's row divided by its
/// largest squared distance to any item; k-reciprocal sets expanded with round(k1/2)-reciprocal sets; Gaussian
/// weights normalised to sum 1; local query expansion over the k2 nearest; final distance
/// (1 - lambda) * Jaccard + lambda * normalised squared distance.
/// <para>
/// Bounded memory: only the first <see cref="TopN"/> retrieved items of each query are re-ranked (the rest keep their
/// order and distances), and instead of the reference code's dense (Q+G)^2 matrices it keeps the k1+1 nearest
/// neighbours of every item (from an <see cref="INeighbourSource"/>) and sparse weight vectors. The items are the
/// distinct dataset rows among queries and galleries (a row that is both counts once; the reference code, given the
/// same set as probe and gallery, would hold it twice). The per-row normaliser is an exact maximum computed in
/// chunks (as much compute as one more nearest-neighbour pass, memory of one chunk).
/// </para>
/// </summary>
public sealed class KReciprocalReranker : IRetrievalPostprocessor
{
    public const int DefaultTopN = 100;
    /// <summary>About 1.4 GB: a million items with k1 = 20.</summary>
    public const long DefaultMaxNeighbourEntries = 20_000_000;

    /// <summary>Elements of one chunk of the distance matrix when computing the per-row maxima.</summary>
    private const long ChunkElements = 1 << 24;

    private readonly int topN;

    public KReciprocalReranker(
        INeighbourSource neighbourSource,
        int topN = DefaultTopN,
        int k1 = 20,
        int k2 = 6,
        double lambda = 0.3,
        long maxNeighbourEntries = DefaultMaxNeighbourEntries)
    {
        if (topN <= 1) throw new OmlException(Invariant($"postprocessor.args.top_n must be an integer greater than 1 (how many retrieved items to re-rank), got {topN}"));
        if (k1 < 1) throw new OmlException(Invariant($"postprocessor.args.k1 must be a positive integer (paper default 20), got {k1}"));
        if (k2 < 1 || k2 > k1 + 1) throw new OmlException(Invariant($"postprocessor.args.k2 must be an integer in 1..k1+1 = 1..{k1 + 1} (paper default 6), got {k2}"));
        if (!(lambda >= 0 && lambda <= 1)) throw new OmlException(Invariant($"postprocessor.args.lambda must be in [0, 1] (paper default 0.3), got {lambda}"));
        if (maxNeighbourEntries < 1) throw new OmlException(Invariant($"postprocessor.args.max_neighbour_entries must be a positive integer, got {maxNeighbourEntries}"));
        NeighbourSource = neighbourSource ?? throw new ArgumentNullException(nameof(neighbourSource));
        this.topN = topN;
        K1 = k1;
        K2 = k2;
        Lambda = lambda;
        MaxNeighbourEntries = maxNeighbourEntries;
    }

    public int? TopN => topN;

    public INeighbourSource NeighbourSource { get; }

    /// <summary>Size of the k-reciprocal neighbourhoods.</summary>
    public int K1 { get; }

    /// <summary>Neighbours averaged by the local query expansion (1 = none).</summary>
    public int K2 { get; }

    /// <summary>Weight of the original distance in the final distance (the rest is the Jaccard distance).</summary>
    public double Lambda { get; }

    /// <summary>
    /// Upper limit of items * (k1 + 1), the neighbour entries held in memory. Each costs roughly 70 bytes (measured on random
    /// data with k1 = 20, k2 = 6): the id and distance from the neighbour source, and its share of the sparse weight
    /// vectors before and after query expansion. Not counted: a CPU copy of the items' embeddings (N * D floats).
    /// </summary>
    public long MaxNeighbourEntries { get; }

    public RetrievalResults Process(RetrievalResults results, PostprocessingInputs inputs)
    {
        var embeddings = inputs.RequireEmbeddings("k-reciprocal re-ranking", results.QueryRows.Concat(results.GalleryRows));
        var itemRows = results.QueryRows.Concat(results.GalleryRows).Distinct().Order().ToArray();
        CheckBudget(itemRows.Length);
        var itemOfRow = new Dictionary<int, int>(itemRows.Length);
        for (var i = 0; i < itemRows.Length; i++) itemOfRow[itemRows[i]] = i;

        using var scope = NewDisposeScope();
        var items = embeddings.index_select(0, tensor(itemRows.Select(r => (long)r).ToArray(), device: embeddings.device));
        var neighbours = NeighbourLists(items);
        var vectors = new ItemVectors(CopyRows(items), RowMaxSquaredDistances(items));

        var weights = new SparseVector?[itemRows.Length];
        SparseVector Weights(int item) => weights[item] ??= KernelVector(neighbours, vectors, item);
        var expanded = new Dictionary<int, SparseVector>();
        SparseVector Expanded(int item)
        {
            if (expanded.TryGetValue(item, out var v)) return v;
            var nearest = neighbours[item].Take(K2).ToArray();
            return expanded[item] = K2 == 1 ? Weights(item) : Mean(nearest.Select(Weights).ToArray());
        }

        var retrieved = new int[results.QueryCount][];
        var distances = new float[results.QueryCount][];
        for (var q = 0; q < results.QueryCount; q++)
        {
            var ids = results.Retrieved[q];
            var count = Math.Min(topN, ids.Length);
            var query = itemOfRow[results.QueryRows[q]];
            var scores = new float[count];
            for (var i = 0; i < count; i++)
            {
                var gallery = itemOfRow[results.GalleryRows[ids[i]]];
                var jaccard = JaccardDistance(Expanded(query), Expanded(gallery));
                scores[i] = (float)((1 - Lambda) * jaccard + Lambda * vectors.NormalisedSquaredDistance(query, gallery));
            }
            var order = RerankingFunctions.StableAscendingOrder(scores);
            retrieved[q] = [.. order.Select(i => ids[i]), .. ids[count..]];
            distances[q] = RerankingFunctions.ConcatenateKeepingSorted(order.Select(i => scores[i]).ToArray(), results.Distances[q].AsSpan(count));
        }
        return results.WithRetrieved(retrieved, distances);
    }

    private void CheckBudget(int itemCount)
    {
        var entries = (long)itemCount * (K1 + 1);
        if (entries <= MaxNeighbourEntries) return;
        var smallerK1 = MaxNeighbourEntries / itemCount - 1;
        var fits = smallerK1 >= 1 ? Invariant($"k1 <= {smallerK1} or at most") : "at most";
        throw new OmlException(Invariant(
            $"k-reciprocal re-ranking would hold the k1+1 = {K1 + 1} nearest neighbours of each of the {itemCount:N0} queries and galleries ({entries:N0} entries), more than postprocessor.args.max_neighbour_entries = {MaxNeighbourEntries:N0}. It fits with {fits} {MaxNeighbourEntries / (K1 + 1):N0} items, or raise the limit if memory allows (each entry takes roughly 70 bytes with its share of the weight vectors)."));
    }

    private int[][] NeighbourLists(Tensor items)
    {
        var n = (int)items.shape[0];
        var expected = Math.Min(K1 + 1, n);
        var (ids, _) = NeighbourSource.Nearest(items, K1 + 1);
        if (ids.Length != n || ids.Any(list => list.Length != expected || list.Any(j => j < 0 || j >= n)))
        {
            throw new InvalidOperationException($"the neighbour source must return {expected} neighbours in 0..{n - 1} for each of the {n} items");
        }
        return ids;
    }

    /// <summary>The rows as float arrays on the CPU, copied in chunks (one array per row, so N * D may exceed 2^31).</summary>
    private static float[][] CopyRows(Tensor items)
    {
        var n = items.shape[0];
        var dimension = (int)items.shape[1];
        var rows = new float[n][];
        var chunk = Math.Max(1, ChunkElements / Math.Max(1, dimension));
        for (long start = 0; start < n; start += chunk)
        {
            using var scope = NewDisposeScope();
            var values = items.narrow(0, start, Math.Min(chunk, n - start)).to(ScalarType.Float32).cpu().data<float>().ToArray();
            for (var i = 0; i * dimension < values.Length; i++) rows[start + i] = values.AsSpan(i * dimension, dimension).ToArray();
        }
        return rows;
    }

    /// <summary>For each item: the largest squared distance to any item, in chunks of rows.</summary>
    private static double[] RowMaxSquaredDistances(Tensor items)
    {
        var n = items.shape[0];
        var chunk = Math.Max(1, ChunkElements / Math.Max(1, n));
        var maxima = new double[n];
        var x = items.to(ScalarType.Float32); // disposed by the caller's scope (to() may return items itself)
        for (long start = 0; start < n; start += chunk)
        {
            using var scope = NewDisposeScope();
            var rows = x.narrow(0, start, Math.Min(chunk, n - start));
            var farthest = cdist(rows, x).max(1).values.to(ScalarType.Float64).cpu().data<double>().ToArray();
            for (var i = 0; i < farthest.Length; i++) maxima[start + i] = farthest[i] * farthest[i];
        }
        return maxima;
    }

    /// <summary>The item's weights over its expanded k-reciprocal set.</summary>
    private SparseVector KernelVector(int[][] neighbours, ItemVectors vectors, int item)
    {
        var members = ExpandedReciprocalNeighbours(neighbours, item, K1);
        var distances = members.Select(j => vectors.NormalisedSquaredDistance(item, j)).ToArray();
        return new SparseVector(members, NormalisedKernelWeights(distances));
    }

    /// <summary>Item embeddings on the CPU and their per-row normalisers.</summary>
    private sealed class ItemVectors(float[][] rows, double[] rowMaxima)
    {
        /// <summary>Squared distance of items a and b divided by a's largest squared distance (undivided when a is at distance 0 from every item).</summary>
        public double NormalisedSquaredDistance(int a, int b)
        {
            var x = rows[a];
            var y = rows[b];
            var sum = 0.0;
            for (var i = 0; i < x.Length; i++)
            {
                var d = (double)x[i] - y[i];
                sum += d * d;
            }
            return rowMaxima[a] > 0 ? sum / rowMaxima[a] : sum;
        }
    }
}
