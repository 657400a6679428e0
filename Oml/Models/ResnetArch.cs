namespace Oml.Models;

/// <summary>The ResNet architectures of OML's <c>ResnetExtractor</c> (config names in <see cref="ResnetSpec.ArchNames"/>).</summary>
public enum ResnetArch
{
    Resnet18,
    Resnet34,
    Resnet50,

    /// <summary>resnet50 whose fc is MoCo-v2's head Linear(2048, 2048) → ReLU → Linear(2048, 128).</summary>
    Resnet50Projector,
    Resnet101,
    Resnet152,
}
