namespace Oml.Models;

/// <summary>The residual block of a ResNet: torchvision's <c>BasicBlock</c> (resnet18/34) or <c>Bottleneck</c> (resnet50+).</summary>
public enum ResnetBlockKind
{
    /// <summary>Two 3×3 convolutions; output channels = stage width.</summary>
    Basic,

    /// <summary>1×1, 3×3, 1×1 convolutions; output channels = 4 × stage width.</summary>
    Bottleneck,
}
