using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>DINOv2's <c>LayerScale</c>: x · gamma, one learned factor per channel (1 at init, OML's <c>init_values</c>).</summary>
internal sealed class ViTLayerScale : nn.Module<Tensor, Tensor>
{
    private readonly Parameter gamma;

    public ViTLayerScale(int dim)
        : base(nameof(ViTLayerScale))
    {
        gamma = new Parameter(ones(dim));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => x.mul(gamma);
}
