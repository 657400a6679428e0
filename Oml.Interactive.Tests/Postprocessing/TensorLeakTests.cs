using Oml.Postprocessing;

namespace Oml.Tests.Postprocessing;

/// <summary>Postprocessors that use tensors leave no live tensors behind (the count is per thread).</summary>
public sealed class TensorLeakTests
{
    private static long LiveTensors() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    [Fact]
    public void RerankersAndPcfLeaveNoLiveTensors()
    {
        var points = BruteForceRetrieval.RandomPoints(40, 6, seed: 21);
        var results = BruteForceRetrieval.Retrieve(points, Enumerable.Range(0, 40).Select(i => i % 3).ToArray(), [.. Enumerable.Range(0, 10)], [.. Enumerable.Range(10, 30)], 15);
        using var embeddings = BruteForceRetrieval.ToTensor(points);
        using var model = new LinearSiamese(6, identityInit: false);
        var inputs = new PostprocessingInputs(embeddings);
        IRetrievalPostprocessor[] postprocessors =
        [
            new PairwiseReranker(5, model, batchSize: 4),
            new PairwiseReranker(5, new TrivialDistanceSiamese(0.1f)),
            new KReciprocalReranker(new BruteForceNeighbourSource(), topN: 10, k1: 5, k2: 2),
        ];
        foreach (var postprocessor in postprocessors) postprocessor.Process(results, inputs); // warm-up

        var before = LiveTensors();
        foreach (var postprocessor in postprocessors) postprocessor.Process(results, inputs);
        Oml.Metrics.Functional.PcfFunctions.Pcf(embeddings, [0.5]);
        Assert.Equal(before, LiveTensors());
    }
}
