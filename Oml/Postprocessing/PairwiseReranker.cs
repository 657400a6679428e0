using static System.FormattableString;
using Oml.Retrieval;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Postprocessing;

/// <summary>
/// OML's <c>pairwise_reranker</c>: re-scores the first <see cref="TopN"/> retrieved items of every query with a
/// pairwise model (query embedding, gallery embedding), orders them by the new score (ties keep the old order),
/// and keeps the rest of the list as it was. The re-scored part is squeezed below the tail's first distance when
/// needed (<see cref="RerankingFunctions.ConcatenateKeepingSorted"/>), so lists stay sorted and never change length:
/// CMC@top_n and precision@top_n cannot change.
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
        var embeddings = inputs.RequireEmbeddings("pairwise_reranker", results.QueryRows.Concat(results.GalleryRows));
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
        var scores = Score(embeddings, firstRows.ToArray(), secondRows.ToArray());

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

    /// <summary>Model scores of the pairs (embeddings[first[i]], embeddings[second[i]]), in eval mode without gradients.</summary>
    private float[] Score(Tensor embeddings, long[] first, long[] second)
    {
        var scores = new float[first.Length];
        var module = PairwiseModel as nn.Module;
        var wasTraining = module?.training ?? false;
        module?.eval();
        try
        {
            using var noGrad = no_grad();
            for (var start = 0; start < first.Length; start += BatchSize)
            {
                var length = Math.Min(BatchSize, first.Length - start);
                using var scope = NewDisposeScope();
                var x1 = embeddings.index_select(0, tensor(first.AsSpan(start, length).ToArray(), device: embeddings.device));
                var x2 = embeddings.index_select(0, tensor(second.AsSpan(start, length).ToArray(), device: embeddings.device));
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
}
