using static System.FormattableString;
using Oml.Retrieval;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Postprocessing;

/// <summary>
/// OML's <c>pairwise_reranker</c> (<c>oml/retrieval/postprocessors/pairwise.py: PairwiseReranker</c>): re-scores the
/// first <see cref="TopN"/> retrieved items of every query with a pairwise model, orders them by the new score (ties
/// keep the old order), and keeps the rest of the list as it was. The model compares the query and the gallery item
/// by their embeddings or by their images, as its <see cref="IPairwiseModel.Input"/> says (images come from
/// <see cref="PostprocessingInputs.Images"/>, loaded <see cref="BatchSize"/> pairs at a time, each distinct row once
/// per batch). The model runs in eval mode without gradients, on the device of its parameters. The re-scored part is
/// squeezed below the tail's first distance when needed (<see cref="RerankingFunctions.ConcatenateKeepingSorted"/>),
/// so lists stay sorted and never change length: CMC@top_n and precision@top_n cannot change.
/// </summary>
public sealed class PairwiseReranker : IRetrievalPostprocessor
{
    private readonly int topN;

    public PairwiseReranker(int topN, IPairwiseModel pairwiseModel, int batchSize = 128)
    {
        if (topN <= 1) throw new OmlException(Invariant($"postprocessor.args.top_n must be an integer greater than 1 (how many retrieved items to re-rank), got {topN}"));
        if (batchSize < 1) throw new OmlException(Invariant($"postprocessor.args.batch_size must be a positive integer, got {batchSize}"));
        this.topN = topN;
        PairwiseModel = pairwiseModel ?? throw new ArgumentNullException(nameof(pairwiseModel));
        BatchSize = batchSize;
    }

    public int? TopN => topN;

    public IPairwiseModel PairwiseModel { get; }

    /// <summary>Pairs per model call.</summary>
    public int BatchSize { get; }

    public RetrievalResults Process(RetrievalResults results, PostprocessingInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var rows = results.QueryRows.Concat(results.GalleryRows);
        var pairs = PairwiseModel.Input == PairwiseInput.Images
            ? PairSource.OfImages(inputs.RequireImages("pairwise_reranker", PairwiseModel.GetType().Name, rows))
            : PairSource.OfEmbeddings(inputs.RequireEmbeddings("pairwise_reranker", rows));
        var topCounts = results.Retrieved.Select(ids => Math.Min(topN, ids.Length)).ToArray();
        var firstRows = new List<long>();
        var secondRows = new List<long>();
        for (var q = 0; q < results.QueryCount; q++)
        {
            for (var i = 0; i < topCounts[q]; i++)
            {
                firstRows.Add(results.QueryRows[q]);
                secondRows.Add(results.GalleryRows[results.Retrieved[q][i]]);
            }
        }
        var scores = Score(pairs, firstRows.ToArray(), secondRows.ToArray());

        var retrieved = new int[results.QueryCount][];
        var distances = new float[results.QueryCount][];
        var offset = 0;
        for (var q = 0; q < results.QueryCount; q++)
        {
            var count = topCounts[q];
            var topScores = scores[offset..(offset + count)];
            offset += count;
            if (topScores.Any(float.IsNaN))
            {
                throw new OmlException(Invariant($"pairwise_reranker: the pairwise model returned NaN for query {q} (dataset row {results.QueryRows[q]})"));
            }
            var order = RerankingFunctions.StableAscendingOrder(topScores);
            var ids = results.Retrieved[q];
            retrieved[q] = [.. order.Select(i => ids[i]), .. ids[count..]];
            distances[q] = RerankingFunctions.ConcatenateKeepingSorted(
                order.Select(i => topScores[i]).ToArray(), results.Distances[q].AsSpan(count));
        }
        return results.WithRetrieved(retrieved, distances);
    }

    /// <summary>Model scores of the pairs (item first[i], item second[i]), in eval mode without gradients.</summary>
    private float[] Score(PairSource pairs, long[] first, long[] second)
    {
        var scores = new float[first.Length];
        var module = PairwiseModel as nn.Module;
        var wasTraining = module?.training ?? false;
        var device = module?.parameters().FirstOrDefault()?.device;
        module?.eval();
        try
        {
            using var noGrad = no_grad();
            for (var start = 0; start < first.Length; start += BatchSize)
            {
                var length = Math.Min(BatchSize, first.Length - start);
                using var scope = NewDisposeScope();
                var (x1, x2) = pairs.Load(first.AsSpan(start, length), second.AsSpan(start, length));
                if (device is not null)
                {
                    x1 = x1.to(device);
                    x2 = x2.to(device);
                }
                var batch = PairwiseModel.Predict(x1, x2).reshape(-1).to(ScalarType.Float32).cpu();
                if (batch.shape[0] != length)
                {
                    throw new InvalidOperationException($"the pairwise model returned {batch.shape[0]} scores for {length} pairs");
                }
                batch.data<float>().CopyTo(scores, start);
            }
        }
        finally
        {
            if (wasTraining) module!.train();
        }
        return scores;
    }

    /// <summary>Where the two items of a batch of pairs come from: rows of the embeddings, or images loaded by row.</summary>
    private sealed class PairSource
    {
        private readonly Tensor? embeddings;
        private readonly IRowImages? images;

        private PairSource(Tensor? embeddings, IRowImages? images) => (this.embeddings, this.images) = (embeddings, images);

        public static PairSource OfEmbeddings(Tensor embeddings) => new(embeddings, null);

        public static PairSource OfImages(IRowImages images) => new(null, images);

        /// <summary>The first and second items of the pairs, [B, ...] each (in the caller's dispose scope).</summary>
        public (Tensor First, Tensor Second) Load(ReadOnlySpan<long> first, ReadOnlySpan<long> second)
        {
            if (embeddings is not null)
            {
                return (embeddings.index_select(0, tensor(first.ToArray(), device: embeddings.device)),
                        embeddings.index_select(0, tensor(second.ToArray(), device: embeddings.device)));
            }
            // a query's image serves all its top_n pairs: load every distinct row of the batch once
            var distinct = new List<int>();
            var position = new Dictionary<long, long>();
            long Position(long row)
            {
                if (!position.TryGetValue(row, out var at))
                {
                    at = distinct.Count;
                    position[row] = at;
                    distinct.Add(checked((int)row));
                }
                return at;
            }
            var firstAt = new long[first.Length];
            var secondAt = new long[second.Length];
            for (var i = 0; i < first.Length; i++)
            {
                firstAt[i] = Position(first[i]);
                secondAt[i] = Position(second[i]);
            }
            var loaded = images!.Load(distinct);
            if (loaded.dim() != 4 || loaded.shape[0] != distinct.Count)
            {
                throw new InvalidOperationException($"the row images returned [{string.Join(", ", loaded.shape)}] for {distinct.Count} rows, expected [{distinct.Count}, 3, H, W]");
            }
            return (loaded.index_select(0, tensor(firstAt)), loaded.index_select(0, tensor(secondAt)));
        }
    }
}
