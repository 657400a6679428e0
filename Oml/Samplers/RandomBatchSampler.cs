namespace Oml.Samplers;

/// <summary>
/// Random batches of a fixed size without regard to labels (OML's <c>sampler: null</c> with <c>bs_train</c>:
/// a shuffled loader with <c>drop_last=True</c>). Seeded per epoch like the other samplers.
/// </summary>
public sealed class RandomBatchSampler : IBatchSampler
{
    private readonly int _count;
    private readonly int _seed;

    public RandomBatchSampler(int count, int batchSize, int seed)
    {
        if (batchSize < 2) throw new OmlException($"bs_train = {batchSize} is not valid: a batch needs at least 2 images");
        if (count < batchSize) throw new OmlException($"bs_train = {batchSize} but the train split has {count} images; with drop_last an epoch would be empty");
        _count = count;
        BatchSize = batchSize;
        _seed = seed;
    }

    public int BatchesPerEpoch => _count / BatchSize;

    public int BatchSize { get; }

    public IReadOnlyList<int[]> Epoch(int epoch)
    {
        var order = Enumerable.Range(0, _count).ToArray();
        SamplerRandom.ForEpoch(_seed, epoch).Shuffle(order);
        return Enumerable.Range(0, BatchesPerEpoch).Select(b => order.AsSpan(b * BatchSize, BatchSize).ToArray()).ToArray();
    }
}
