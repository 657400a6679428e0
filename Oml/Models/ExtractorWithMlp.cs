using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// OML's <c>ExtractorWithMLP(extractor, mlp_features, weights, train_backbone)</c> (<c>oml/models/meta/projection.py</c>): features
/// = MLP(extractor(x)), the MLP being torchvision's <c>ops.MLP(feat_dim, mlp_features)</c> (Linear → ReLU → Dropout(0)
/// per hidden layer, then Linear → Dropout(0)). State-dict keys: <c>extractor.*</c> and <c>projection.0.*</c>,
/// <c>projection.3.*</c>, ... (OML's own checkpoints hold <c>extractor.model.*</c>; mapping that prefix is the weights
/// loader's job). Differences from OML: <c>trainBackbone</c> defaults to true (OML: false, which silently
/// freezes the backbone, quirk Q7 in docs/oml-quirks.md), and a trainable backbone leaves the caller's grad mode alone (OML forces grads on
/// with <c>set_grad_enabled(True)</c> even inside <c>no_grad</c>). A frozen backbone runs under <c>no_grad</c> and its
/// parameters have requires_grad = false.
/// </summary>
public sealed class ExtractorWithMlp : Extractor, IFreezable
{
    private readonly Extractor extractor;
    private readonly Sequential projection;
    private bool trainBackbone;

    public ExtractorWithMlp(Extractor extractor, IReadOnlyList<int> mlpFeatures, bool trainBackbone = true)
        : base(nameof(ExtractorWithMlp), FeatureNormalisation.None)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        if (mlpFeatures is null || mlpFeatures.Count == 0) throw new OmlException("extractor.args.mlp_features must list at least one layer size");
        if (mlpFeatures.Any(f => f < 1))
            throw new OmlException($"extractor.args.mlp_features must be positive integers, got [{string.Join(", ", mlpFeatures)}]");
        MlpFeatures = mlpFeatures.ToArray();
        this.extractor = extractor;
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        var width = extractor.FeatDim;
        for (var i = 0; i < mlpFeatures.Count; i++)
        {
            layers.Add((Index(layers), nn.Linear(width, mlpFeatures[i])));
            if (i < mlpFeatures.Count - 1) layers.Add((Index(layers), nn.ReLU()));
            layers.Add((Index(layers), nn.Dropout(0)));
            width = mlpFeatures[i];
        }
        projection = nn.Sequential(layers);
        RegisterComponents();
        TrainBackbone = trainBackbone;
    }

    /// <summary>The wrapped extractor (state-dict prefix <c>extractor.</c>).</summary>
    public Extractor Backbone => extractor;

    /// <summary>The MLP (state-dict prefix <c>projection.</c>).</summary>
    public Sequential Projection => projection;

    public IReadOnlyList<int> MlpFeatures { get; }

    /// <summary>
    /// False: the backbone runs under no_grad and its parameters have requires_grad = false; true: both get gradients.
    /// </summary>
    public bool TrainBackbone
    {
        get => trainBackbone;
        set
        {
            trainBackbone = value;
            FrozenBackbone.SetTrainable(extractor, value);
        }
    }

    public override int FeatDim => MlpFeatures[^1];

    public void Freeze() => TrainBackbone = false;

    public void Unfreeze() => TrainBackbone = true;

    protected override Tensor ExtractUnnormalised(Tensor images)
    {
        var features = FrozenBackbone.Forward(extractor, images, trainBackbone);
        return projection.forward(features);
    }

    private static string Index(List<(string, nn.Module<Tensor, Tensor>)> layers) => layers.Count.ToString(CultureInfo.InvariantCulture);
}
