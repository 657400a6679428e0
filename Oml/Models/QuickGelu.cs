using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>CLIP's activation, x · sigmoid(1.702 x), a cheap approximation of GELU that OpenAI trained with.</summary>
internal sealed class QuickGelu() : nn.Module<Tensor, Tensor>(nameof(QuickGelu))
{
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return x.mul(x.mul(1.702).sigmoid()).MoveToOuterDisposeScope();
    }
}
