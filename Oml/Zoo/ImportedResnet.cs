using static TorchSharp.torch;

namespace Oml.Zoo;

/// <summary>
/// A ResNet read from another framework's file: its layout (BasicBlocks per stage, stage widths), its weights under
/// torchvision's names (<c>conv1.weight</c>, <c>layer4.2.bn2.running_var</c>, ...).
/// </summary>
public sealed record ImportedResnet(IReadOnlyList<int> BlocksPerStage, IReadOnlyList<int> StageWidths,
    IReadOnlyDictionary<string, NamedTensor> Weights)
{
    /// <summary>The weights as CPU tensors, for <c>ModuleWeights.Load</c> or a weights file (the caller disposes them).</summary>
    public Dictionary<string, Tensor> ToTensors() =>
        Weights.ToDictionary(w => w.Key, w => tensor(w.Value.Data, w.Value.Shape), StringComparer.Ordinal);
}
