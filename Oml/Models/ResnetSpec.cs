using System.Globalization;

namespace Oml.Models;

/// <summary>
/// The shape of a torchvision ResNet: block kind, blocks per stage and stage widths (torchvision: 64, 128, 256, 512;
/// the stem has the first stage's width), the fc head (<see cref="ClassCount"/> outputs, optionally behind the MoCo-v2
/// projector) and the padding of strided layers. The full-size archs come from <see cref="ForArch"/>; tests build tiny
/// specs that run the same code.
/// </summary>
public sealed record ResnetSpec(ResnetBlockKind BlockKind, IReadOnlyList<int> BlocksPerStage, IReadOnlyList<int> StageWidths,
    int ClassCount = 1000, bool ProjectorHead = false, ResnetPadding Padding = ResnetPadding.Torchvision)
{
    /// <summary>torchvision's stage widths.</summary>
    public static readonly IReadOnlyList<int> TorchvisionWidths = [64, 128, 256, 512];

    /// <summary>The config names (OML's <c>arch</c>) of each architecture.</summary>
    public static readonly IReadOnlyDictionary<string, ResnetArch> ArchNames = new Dictionary<string, ResnetArch>
    {
        ["resnet18"] = ResnetArch.Resnet18,
        ["resnet18_mlnet"] = ResnetArch.Resnet18MlNet,
        ["resnet34"] = ResnetArch.Resnet34,
        ["resnet50"] = ResnetArch.Resnet50,
        ["resnet50_projector"] = ResnetArch.Resnet50Projector,
        ["resnet101"] = ResnetArch.Resnet101,
        ["resnet152"] = ResnetArch.Resnet152,
    };

    /// <summary>4 for <see cref="ResnetBlockKind.Bottleneck"/>, 1 for <see cref="ResnetBlockKind.Basic"/>.</summary>
    public int Expansion => BlockKind == ResnetBlockKind.Bottleneck ? 4 : 1;

    /// <summary>Channels of the last feature map: 512 for resnet18/34, 2048 for resnet50+.</summary>
    public int FeatureChannels => StageWidths[^1] * Expansion;

    /// <summary>The spec of a full-size torchvision architecture.</summary>
    public static ResnetSpec ForArch(ResnetArch arch) => arch switch
    {
        ResnetArch.Resnet18 => new(ResnetBlockKind.Basic, [2, 2, 2, 2], TorchvisionWidths),
        ResnetArch.Resnet18MlNet => new(ResnetBlockKind.Basic, [2, 2, 2, 3], TorchvisionWidths, Padding: ResnetPadding.Cntk),
        ResnetArch.Resnet34 => new(ResnetBlockKind.Basic, [3, 4, 6, 3], TorchvisionWidths),
        ResnetArch.Resnet50 => new(ResnetBlockKind.Bottleneck, [3, 4, 6, 3], TorchvisionWidths),
        ResnetArch.Resnet50Projector => new(ResnetBlockKind.Bottleneck, [3, 4, 6, 3], TorchvisionWidths, ClassCount: 128, ProjectorHead: true),
        ResnetArch.Resnet101 => new(ResnetBlockKind.Bottleneck, [3, 4, 23, 3], TorchvisionWidths),
        ResnetArch.Resnet152 => new(ResnetBlockKind.Bottleneck, [3, 8, 36, 3], TorchvisionWidths),
        _ => throw new ArgumentOutOfRangeException(nameof(arch), arch, null),
    };

    /// <summary>The architecture of a config name such as "resnet50"; an unknown name is an <see cref="OmlException"/>.</summary>
    public static ResnetArch ParseArch(string name)
    {
        if (name is not null && ArchNames.TryGetValue(name, out var arch)) return arch;
        throw new OmlException($"unknown ResNet arch '{name}'; valid: {string.Join(", ", ArchNames.Keys)}");
    }

    /// <summary>Same layout (blocks, widths, head, padding); records compare lists by reference, this by value.</summary>
    public bool Matches(ResnetSpec other) =>
        other is not null && BlockKind == other.BlockKind && BlocksPerStage.SequenceEqual(other.BlocksPerStage) &&
        StageWidths.SequenceEqual(other.StageWidths) && ClassCount == other.ClassCount && ProjectorHead == other.ProjectorHead &&
        Padding == other.Padding;

    internal void Validate()
    {
        if (BlocksPerStage.Count == 0 || BlocksPerStage.Count != StageWidths.Count)
            throw new ArgumentException("a ResNet spec needs as many stage widths as stages, at least one");
        if (BlocksPerStage.Any(b => b < 1) || StageWidths.Any(w => w < 1) || ClassCount < 1)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"ResNet blocks, widths and class count must be positive: blocks [{string.Join(", ", BlocksPerStage)}], widths [{string.Join(", ", StageWidths)}], classes {ClassCount}"));
    }
}
