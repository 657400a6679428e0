using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// An image feature extractor (OML's <c>IExtractor</c> in <c>oml/interfaces/models.py</c>): images [N, 3, H, W] in, features
/// [N, <see cref="FeatDim"/>] out. <see cref="Extract"/> is the forward pass; the <see cref="Normalisation"/> is applied
/// last. Train / eval mode is the module's (<c>train()</c> / <c>eval()</c>).
/// </summary>
public abstract class Extractor : nn.Module<Tensor, Tensor>
{
    protected Extractor(string name, FeatureNormalisation normalisation)
        : base(name)
    {
        Normalisation = normalisation;
    }

    /// <summary>The size of one feature vector.</summary>
    public abstract int FeatDim { get; }

    /// <summary>What happens to the features at the end of the forward pass.</summary>
    public FeatureNormalisation Normalisation { get; }

    /// <summary>The features of a batch of images (the same as <c>forward</c>).</summary>
    public Tensor Extract(Tensor images) => forward(images);

    public sealed override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var features = ExtractUnnormalised(images);
        return FeatureNormalisationFunctions.Apply(features, Normalisation).MoveToOuterDisposeScope();
    }

    /// <summary>The network's features before <see cref="Normalisation"/>.</summary>
    protected abstract Tensor ExtractUnnormalised(Tensor images);
}
