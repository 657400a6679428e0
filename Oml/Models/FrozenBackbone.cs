using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// What freezing a backbone means for the models that wrap one (<see cref="ExtractorWithMlp"/>, the pairwise
/// <c>ConcatSiamese</c>; OML's <c>train_backbone</c>): its parameters get requires_grad = false, and its forward pass
/// runs under no_grad so that no graph is kept for it.
/// </summary>
internal static class FrozenBackbone
{
    public static void SetTrainable(nn.Module backbone, bool trainable)
    {
        foreach (var parameter in backbone.parameters()) parameter.requires_grad = trainable;
    }

    public static Tensor Forward(Extractor backbone, Tensor input, bool trainable)
    {
        if (trainable) return backbone.forward(input);
        using var noGrad = no_grad();
        return backbone.forward(input);
    }
}
