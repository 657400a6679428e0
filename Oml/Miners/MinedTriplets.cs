using static TorchSharp.torch;

namespace Oml.Miners;

/// <summary>
/// What every miner gives a triplet loss (the one contract, as pytorch-metric-learning's <c>indices_tuple</c>, widened
/// to points a miner builds itself): three [T, D] tensors, row t being triplet t, gradients flowing to the batch's
/// features where the rows come from it. <see cref="Ids"/> names the batch rows when the miner picked rows of the batch;
/// <see cref="IsOriginal"/> marks the triplets made only of batch rows when the miner also draws from a memory bank;
/// <see cref="Logs"/> holds what the miner measured (logged with the loss's own values).
/// </summary>
public sealed record MinedTriplets(Tensor Anchors, Tensor Positives, Tensor Negatives)
{
    /// <summary>Batch row ids of each triplet's anchor, positive and negative; null when the miner built points of its own.</summary>
    public (int[] Anchors, int[] Positives, int[] Negatives)? Ids { get; init; }

    /// <summary>Per triplet: whether all three points are rows of the batch; null when every triplet is.</summary>
    public bool[]? IsOriginal { get; init; }

    public IReadOnlyDictionary<string, double> Logs { get; init; } = new Dictionary<string, double>();

    public long Count => Anchors.shape[0];

    /// <summary>The triplets of batch rows <paramref name="anchors"/>, <paramref name="positives"/>, <paramref name="negatives"/>.</summary>
    public static MinedTriplets FromIds(Tensor features, int[] anchors, int[] positives, int[] negatives)
    {
        Tensor Rows(int[] ids) => features.index_select(0, tensor(ids.Select(i => (long)i).ToArray(), device: features.device));
        return new MinedTriplets(Rows(anchors), Rows(positives), Rows(negatives)) { Ids = (anchors, positives, negatives) };
    }
}
