using System.Globalization;
using Oml.Models;
using Oml.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Postprocessing;

/// <summary>
/// OML's <c>ConcatSiamese</c> (<c>oml/models/meta/siamese.py</c>): the two images of a pair are stacked vertically
/// (concatenated along the height: [B, 3, 2H, W]), run through the <see cref="Backbone"/> extractor, and a head turns
/// the features into one logit per pair. The head is torchvision's <c>ops.MLP(feat_dim, [*mlp_hidden_dims, 1],
/// activation Sigmoid, dropout 0.5)</c> with the last Linear bias-free and the last Dropout an Identity, so the
/// state-dict keys are OML's: <c>extractor.*</c>, <c>head.0.weight</c>, <c>head.0.bias</c>, <c>head.3.*</c>, ...
/// (Linear, Sigmoid, Dropout per hidden layer, then Linear, Identity). <see cref="Predict"/> is the sigmoid of the
/// logit (with <see cref="UseTta"/> averaged with that of the swapped pair); lower means more similar, as the model is
/// trained (by <c>oml train-postprocessor</c>) to output 1 for pairs of different labels.
/// <para>
/// Differences from OML: a trainable backbone leaves the caller's grad mode alone (OML forces gradients on with
/// <c>set_grad_enabled(True)</c> even inside <c>no_grad</c>); a frozen one (<see cref="Freeze"/>) runs under no_grad
/// and its parameters have requires_grad = false, as in <see cref="ExtractorWithMlp"/>.
/// </para>
/// </summary>
public sealed class ConcatSiamese : nn.Module<Tensor, Tensor, Tensor>, IPairwiseModel, IFreezable
{
    /// <summary>Where the weights of a pairwise model are in a config, for messages.</summary>
    public const string DefaultWeightsPath = "postprocessor.args.pairwise_model.args.weights";

    private readonly Extractor extractor;
    private readonly Sequential head;
    private bool trainBackbone;

    /// <param name="extractor">The backbone; it now belongs to this model (disposed with it).</param>
    /// <param name="mlpHiddenDims">Hidden layer sizes of the head (OML's config: [20, 20]); may be empty (one Linear).</param>
    /// <param name="useTta">Predict averages both orders of the pair (OML's default: false).</param>
    public ConcatSiamese(Extractor extractor, IReadOnlyList<int> mlpHiddenDims, bool useTta = false)
        : base(nameof(ConcatSiamese))
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(mlpHiddenDims);
        if (mlpHiddenDims.Any(d => d < 1))
        {
            throw new OmlException($"postprocessor.args.pairwise_model.args.mlp_hidden_dims must be positive integers, got [{string.Join(", ", mlpHiddenDims)}]");
        }
        MlpHiddenDims = mlpHiddenDims.ToArray();
        UseTta = useTta;
        this.extractor = extractor;

        // torchvision.ops.MLP: Linear, activation, Dropout per hidden layer, then Linear, Dropout; OML's ConcatSiamese
        // makes that last Linear bias-free and the last Dropout an Identity (indices stay torchvision's)
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        var width = extractor.FeatDim;
        foreach (var hidden in MlpHiddenDims)
        {
            layers.Add((Index(layers), nn.Linear(width, hidden)));
            layers.Add((Index(layers), nn.Sigmoid()));
            layers.Add((Index(layers), nn.Dropout(0.5)));
            width = hidden;
        }
        layers.Add((Index(layers), nn.Linear(width, 1, hasBias: false)));
        layers.Add((Index(layers), nn.Identity()));
        head = nn.Sequential(layers);
        RegisterComponents();
        TrainBackbone = true;
    }

    /// <summary>The extractor (state-dict prefix <c>extractor.</c>).</summary>
    public Extractor Backbone => extractor;

    /// <summary>The MLP head (state-dict prefix <c>head.</c>).</summary>
    public Sequential Head => head;

    public IReadOnlyList<int> MlpHiddenDims { get; }

    /// <summary>Whether <see cref="Predict"/> averages the scores of (x1, x2) and (x2, x1).</summary>
    public bool UseTta { get; }

    public PairwiseInput Input => PairwiseInput.Images;

    /// <summary>
    /// False: the backbone runs under no_grad and its parameters have requires_grad = false (OML:
    /// <c>train_backbone</c>); true: the backbone and the head get gradients.
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

    public void Freeze() => TrainBackbone = false;

    public void Unfreeze() => TrainBackbone = true;

    /// <summary>The logits [B] of the pairs (x1[i], x2[i]); images [B, 3, H, W] each.</summary>
    public override Tensor forward(Tensor x1, Tensor x2)
    {
        if (x1.dim() != 4 || !x1.shape.SequenceEqual(x2.shape))
        {
            throw new ArgumentException($"concat_siamese takes two image batches of the same shape [B, 3, H, W], got [{string.Join(", ", x1.shape)}] and [{string.Join(", ", x2.shape)}]");
        }
        using var scope = NewDisposeScope();
        var pairs = cat([x1, x2], dim: 2);
        var features = FrozenBackbone.Forward(extractor, pairs, trainBackbone);
        return head.forward(features).reshape(x1.shape[0]).MoveToOuterDisposeScope();
    }

    /// <summary>The sigmoid of the logits [B]; with <see cref="UseTta"/> the mean with the sigmoid of the swapped pairs' logits.</summary>
    public Tensor Predict(Tensor x1, Tensor x2)
    {
        using var scope = NewDisposeScope();
        var scores = forward(x1, x2).sigmoid();
        if (UseTta) scores = (scores + forward(x2, x1).sigmoid()) / 2;
        return scores.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Loads <paramref name="weights"/> strictly: null leaves the random initialisation; a checkpoint of
    /// <c>oml train-postprocessor</c> (<see cref="CheckpointFile.LoadPairwiseModel"/>); or a PyTorch / Lightning /
    /// safetensors file of a ConcatSiamese (OML's <c>PairwiseModule</c> checkpoints hold <c>model.extractor.*</c>,
    /// <c>model.head.*</c> under <c>state_dict</c>: the nesting and the prefix are removed, as OML's
    /// <c>remove_prefix_from_state_dict(trial_key="extractor.")</c> does). Any mismatch is an <see cref="OmlException"/>
    /// naming <paramref name="configPath"/> and what differs; nothing is loaded then.
    /// </summary>
    public void LoadWeights(string? weights, string configPath = DefaultWeightsPath)
    {
        if (weights is null) return;
        if (!File.Exists(weights))
        {
            throw new OmlException($"{configPath}: the weights file {weights} does not exist (expected the best.ckpt of oml train-postprocessor, " +
                                   "or an OML / Lightning checkpoint of a concat_siamese)");
        }
        try
        {
            if (CheckpointFile.IsCheckpoint(weights))
            {
                CheckpointFile.LoadPairwiseModel(weights, this);
                return;
            }
            using var stateDict = StateDictFile.Read(weights);
            if (!stateDict.Keys.Any(k => k.StartsWith("head.", StringComparison.Ordinal) || k.Contains(".head.", StringComparison.Ordinal)))
            {
                var extractorWeights = configPath.EndsWith(".weights", StringComparison.Ordinal)
                    ? configPath[..^".weights".Length] + ".extractor.args.weights"
                    : "the extractor block's weights";
                throw new OmlException($"{weights} has no head.* keys: it holds an extractor's weights, not a concat_siamese's " +
                                       $"(an extractor, then the head); give extractor weights as {extractorWeights}");
            }
            ModuleWeights.Load(this, stateDict, strict: true,
                $"The concat_siamese block (its extractor's name and args, mlp_hidden_dims) must be the one these weights were trained with ({Describe()}).");
        }
        catch (OmlException e)
        {
            throw new OmlException($"{configPath}: {e.Message}", e.Details, e);
        }
    }

    /// <summary>The configured shape, for messages: feature size and head sizes.</summary>
    private string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"configured: an extractor of {extractor.FeatDim} features, head [{string.Join(", ", MlpHiddenDims.Append(1))}]");

    private static string Index(List<(string, nn.Module<Tensor, Tensor>)> layers) => layers.Count.ToString(CultureInfo.InvariantCulture);
}
