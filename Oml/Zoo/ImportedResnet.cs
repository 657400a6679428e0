using Oml.Models;
using static TorchSharp.torch;

namespace Oml.Zoo;

/// <summary>
/// A ResNet read from another framework's file: its layout (BasicBlocks per stage, stage widths), its weights under
/// torchvision's names (<c>conv1.weight</c>, <c>layer4.2.bn2.running_var</c>, ...) and the name of the pooled output.
/// </summary>
public sealed record ImportedResnet(IReadOnlyList<int> BlocksPerStage, IReadOnlyList<int> StageWidths,
    IReadOnlyDictionary<string, NamedTensor> Weights, string PooledOutput)
{
    /// <summary>True when <paramref name="spec"/> has this layout (BasicBlocks, CNTK padding, same blocks and widths).</summary>
    public bool Fits(ResnetSpec spec) =>
        spec.BlockKind == ResnetBlockKind.Basic && spec.Padding == ResnetPadding.Cntk &&
        spec.BlocksPerStage.SequenceEqual(BlocksPerStage) && spec.StageWidths.SequenceEqual(StageWidths);

    /// <summary>The weights as CPU tensors, for <c>ModuleWeights.Load</c> or a weights file (the caller disposes them).</summary>
    public Dictionary<string, Tensor> ToTensors() =>
        Weights.ToDictionary(w => w.Key, w => tensor(w.Value.Data, w.Value.Shape), StringComparer.Ordinal);
}
