namespace Oml.Models;

/// <summary>How a ResNet pads its strided convolutions and its max-pool.</summary>
public enum ResnetPadding
{
    /// <summary>torchvision: symmetric padding (3 for the 7×7 stem, 1 for 3×3 convs and the max-pool).</summary>
    Torchvision,

    /// <summary>
    /// CNTK's ONNX exports (the ML.NET ResNet-18): strided layers pad one pixel less after than before (stem
    /// [3 before, 2 after], strided 3×3 convs and the max-pool [1, 0]). For even input sizes this gives the same numbers
    /// as <see cref="Torchvision"/>; for odd sizes the outputs are one pixel smaller, as in the original graph.
    /// </summary>
    Cntk,
}
