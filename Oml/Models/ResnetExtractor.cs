using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// OML's <c>ResnetExtractor(weights, arch, gem_p, remove_fc, normalise_features)</c> (<c>oml/models/resnet/extractor.py</c>) on our own
/// torchvision-identical trunk: module, parameter and buffer names are torchvision's (<c>conv1</c>, <c>bn1</c>,
/// <c>layer1.0.conv1</c>, <c>layer2.0.downsample.0</c>, <c>fc</c> ...), so a PyTorch <c>state_dict</c> loads with strict
/// key matching. Forward: conv1 → bn1 → relu → maxpool → layer1..4 → pooling (GeM when <see cref="GemP"/> is set,
/// otherwise average) → fc (absent when <see cref="RemoveFc"/>) → normalisation. Weights start with torchvision's
/// random init; loading files is the job of <c>Oml.Weights</c>.
/// </summary>
public sealed class ResnetExtractor : Extractor
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly List<Sequential> stages = [];
    private readonly nn.Module<Tensor, Tensor>? fc;
    private readonly bool cntkPadding;

    /// <param name="arch">A config name: resnet18, resnet18_mlnet, resnet34, resnet50, resnet50_projector, resnet101, resnet152.</param>
    /// <param name="freezeBatchNorm">Keep every batch norm's running statistics (eval mode) while the extractor trains.</param>
    public ResnetExtractor(string arch, double? gemP = null, bool removeFc = true, FeatureNormalisation normalisation = FeatureNormalisation.None,
        bool freezeBatchNorm = false)
        : this(ResnetSpec.ParseArch(arch), gemP, removeFc, normalisation, freezeBatchNorm)
    {
    }

    public ResnetExtractor(ResnetArch arch, double? gemP = null, bool removeFc = true, FeatureNormalisation normalisation = FeatureNormalisation.None,
        bool freezeBatchNorm = false)
        : this(ResnetSpec.ForArch(arch), gemP, removeFc, normalisation, freezeBatchNorm)
    {
    }

    /// <summary>Any ResNet shape, e.g. a tiny one for tests; the code paths are those of the full-size archs.</summary>
    public ResnetExtractor(ResnetSpec spec, double? gemP = null, bool removeFc = true, FeatureNormalisation normalisation = FeatureNormalisation.None,
        bool freezeBatchNorm = false)
        : base(nameof(ResnetExtractor), normalisation)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        if (gemP is { } p && (!(p > 0) || double.IsInfinity(p)))
            throw new OmlException(string.Create(CultureInfo.InvariantCulture, $"extractor.args.gem_p must be a positive number or null, got {p}"));
        Spec = spec;
        FreezeBatchNorm = freezeBatchNorm;
        GemP = gemP;
        RemoveFc = removeFc;

        var stem = spec.StageWidths[0];
        cntkPadding = spec.Padding == ResnetPadding.Cntk;
        conv1 = nn.Conv2d(3, stem, 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(stem);
        register_module("conv1", conv1);
        register_module("bn1", bn1);
        var channels = stem;
        for (var i = 0; i < spec.BlocksPerStage.Count; i++)
        {
            var stage = ResnetLayers.Stage(spec.BlockKind, channels, spec.StageWidths[i], spec.BlocksPerStage[i], i == 0 ? 1 : 2, spec.Padding);
            stages.Add(stage);
            register_module("layer" + (i + 1).ToString(CultureInfo.InvariantCulture), stage);
            channels = spec.StageWidths[i] * spec.Expansion;
        }
        if (!removeFc)
        {
            fc = spec.ProjectorHead
                ? nn.Sequential(("0", nn.Linear(channels, channels)), ("1", nn.ReLU()), ("2", nn.Linear(channels, spec.ClassCount)))
                : nn.Linear(channels, spec.ClassCount);
            register_module("fc", fc);
        }
        ResnetLayers.InitialiseWeights(this);
    }

    public ResnetSpec Spec { get; }

    /// <summary>
    /// With CNTK padding a strided block's main path (padded [1, 0]) and its 1×1 shortcut disagree on odd sizes (14 vs
    /// 15 from 29): the original ONNX graph fails there too. The stem and max-pool take any size to floor(side / 4),
    /// which must then halve evenly at every later stage: sides of 32k to 32k + 3 for four stages (64, 224, ...).
    /// </summary>
    private void CheckCntkSize(Tensor images)
    {
        var multiple = 1L << (Spec.BlocksPerStage.Count - 1);
        long height = images.shape[^2], width = images.shape[^1];
        if ((height / 4) % multiple == 0 && (width / 4) % multiple == 0) return;
        throw new OmlException(string.Create(CultureInfo.InvariantCulture,
            $"{height}x{width} images cannot go through a ResNet with CNTK padding (arch resnet18_mlnet): each side must be a multiple of {4 * multiple} " +
            $"(up to 3 more), e.g. {4 * multiple * Math.Max(1, height / (4 * multiple))}; set the transforms' im_size to one"));
    }

    /// <summary>
    /// True: batch norms normalise with their running statistics and do not update them, also in training (their
    /// weight and bias still train). Fine-tuning pretrained weights on small batches of a narrow domain otherwise
    /// replaces ImageNet's statistics with the batches' (docs/pretrained-mlnet.md measures what that costs).
    /// </summary>
    public bool FreezeBatchNorm { get; }

    public override void train(bool on = true)
    {
        base.train(on);
        if (!on || !FreezeBatchNorm) return;
        foreach (var (_, module) in named_modules())
        {
            if (module is BatchNorm2d bn) bn.eval();
        }
    }

    /// <summary>The GeM power, or null for average pooling.</summary>
    public double? GemP { get; }

    /// <summary>True: features are the pooled last feature map; false: the fc head's outputs.</summary>
    public bool RemoveFc { get; }

    public override int FeatDim => RemoveFc ? Spec.FeatureChannels : Spec.ClassCount;

    protected override Tensor ExtractUnnormalised(Tensor images)
    {
        if (cntkPadding) CheckCntkSize(images);
        // CNTK pads the stem [3 before, 2 after] and the max-pool [1, 0] (with zeros, which after the ReLU equal the
        // max-pool's own padding): the symmetric layers' outputs less a last row or column (ResnetLayers.CntkOutput)
        var x = conv1.forward(images);
        if (cntkPadding) x = ResnetLayers.CntkOutput(x, images.shape[2], images.shape[3]);
        x = nn.functional.relu(bn1.forward(x));
        var pooled = nn.functional.max_pool2d(x, 3, stride: 2, padding: 1);
        x = cntkPadding ? ResnetLayers.CntkOutput(pooled, x.shape[2], x.shape[3]) : pooled;
        foreach (var stage in stages) x = stage.forward(x);
        x = GemP is { } p ? PoolingFunctions.GeneralisedMean(x, p) : PoolingFunctions.Average(x);
        return fc is null ? x : fc.forward(x);
    }
}
