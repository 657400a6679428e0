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

    /// <summary>The ML.NET / CNTK ResNet-18 (BasicBlocks [2, 2, 2, 3], CNTK padding): the layout of the pretrained
    /// <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> weights (zoo key <c>resnet18_mlnet_imagenet</c>).</summary>
    Resnet18MlNet,
}
