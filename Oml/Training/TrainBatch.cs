using static TorchSharp.torch;

namespace Oml.Training;

/// <summary>One training batch: its position in the epoch, the train-split rows, the images <c>[N, 3, H, W]</c> and their labels.</summary>
public sealed record TrainBatch(int Index, int[] Rows, Tensor Images, long[] Labels) : IDisposable
{
    public void Dispose() => Images.Dispose();
}
