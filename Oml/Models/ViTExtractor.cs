using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// OML's <c>ViTExtractor(weights, arch, normalise_features, use_multi_scale)</c> for the DINO v1 archs
/// (<c>oml/models/vit_dino/extractor.py</c>): a VisionTransformer with DINO's names (<c>patch_embed.proj</c>,
/// <c>cls_token</c>, <c>pos_embed</c>, <c>blocks.{i}.norm1 / attn.qkv / attn.proj / norm2 / mlp.fc1 / mlp.fc2</c>, <c>norm</c>; no head), so a DINO
/// <c>state_dict</c> loads with strict key matching. Features = the CLS token after the final norm; any input whose
/// sides are multiples of the patch works (the positional encoding is interpolated). With <see cref="UseMultiScale"/>
/// the features are the mean of those at scales 1, 1/√2 and 1/2 (bilinear downscale, align_corners false), in
/// training too. Dropout and drop path are 0, as in OML's constructors.
/// </summary>
public sealed class ViTExtractor : Extractor
{
    /// <summary>DINO's LayerNorm eps.</summary>
    public const double LayerNormEpsilon = 1e-6;

    /// <summary>The scales of multi-scale extraction, as OML writes them.</summary>
    public static readonly IReadOnlyList<double> MultiScales = [1.0, 1 / Math.Pow(2, 0.5), 0.5];

    private readonly Sequential patch_embed;
    private readonly Parameter cls_token;
    private readonly Parameter pos_embed;
    private readonly ModuleList<ViTBlock> blocks;
    private readonly LayerNorm norm;

    /// <param name="arch">A config name: vits8, vits16, vitb8, vitb16.</param>
    public ViTExtractor(string arch, FeatureNormalisation normalisation = FeatureNormalisation.None, bool useMultiScale = false)
        : this(ViTSpec.ForArch(arch), normalisation, useMultiScale)
    {
    }

    /// <summary>Any ViT shape, e.g. a tiny one for tests; the code paths are those of the full-size archs.</summary>
    public ViTExtractor(ViTSpec spec, FeatureNormalisation normalisation = FeatureNormalisation.None, bool useMultiScale = false)
        : base(nameof(ViTExtractor), normalisation)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        Spec = spec;
        UseMultiScale = useMultiScale;
        var patches = (long)spec.GridSize * spec.GridSize;
        patch_embed = nn.Sequential(("proj", nn.Conv2d(3, spec.Dim, spec.PatchSize, stride: spec.PatchSize)));
        cls_token = new Parameter(zeros(1, 1, spec.Dim));
        pos_embed = new Parameter(zeros(1, patches + 1, spec.Dim));
        blocks = nn.ModuleList(Enumerable.Range(0, spec.Depth).Select(_ => new ViTBlock(spec.Dim, spec.Heads, spec.MlpRatio)).ToArray());
        norm = nn.LayerNorm(spec.Dim, eps: LayerNormEpsilon);
        RegisterComponents();
        InitialiseWeights();
    }

    public ViTSpec Spec { get; }

    /// <summary>Features are the mean over scales 1, 1/√2, 1/2 (three forwards).</summary>
    public bool UseMultiScale { get; }

    public override int FeatDim => Spec.Dim;

    protected override Tensor ExtractUnnormalised(Tensor images)
    {
        if (!UseMultiScale) return ClsFeatures(images);
        Tensor? sum = null;
        foreach (var s in MultiScales)
        {
            var input = s == 1.0
                ? images
                : nn.functional.interpolate(images, scale_factor: [s, s], mode: InterpolationMode.Bilinear, align_corners: false);
            var features = ClsFeatures(input);
            sum = sum is null ? features : sum + features;
        }
        return sum!.div(MultiScales.Count);
    }

    /// <summary>DINO's <c>forward</c>: tokens → blocks → norm → CLS token.</summary>
    private Tensor ClsFeatures(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException($"images must be [N, 3, H, W], got [{string.Join(", ", images.shape)}]", nameof(images));
        long height = images.shape[2], width = images.shape[3];
        var x = patch_embed.forward(images).flatten(2).transpose(1, 2);
        x = cat([cls_token.expand(x.shape[0], -1, -1), x], 1);
        x = x + ViTPositionalEncoding.Interpolate(pos_embed, x.shape[1] - 1, height, width, Spec.PatchSize);
        foreach (var block in blocks) x = block.forward(x);
        return norm.forward(x)[.., 0];
    }

    /// <summary>DINO's init: pos_embed, cls_token and Linear weights truncated normal (std 0.02), Linear biases 0, LayerNorm 1 / 0.</summary>
    private void InitialiseWeights()
    {
        using var noGrad = no_grad();
        TruncatedNormal(pos_embed, 0.02);
        TruncatedNormal(cls_token, 0.02);
        foreach (var (_, module) in named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    TruncatedNormal(linear.weight, 0.02);
                    if (linear.bias is not null) nn.init.zeros_(linear.bias);
                    break;
                case LayerNorm layerNorm:
                    nn.init.ones_(layerNorm.weight);
                    nn.init.zeros_(layerNorm.bias);
                    break;
            }
        }
    }

    /// <summary>
    /// PyTorch's Python <c>nn.init.trunc_normal_(t, mean 0, std, a −2, b 2)</c> (inverse-CDF sampling; the bounds are
    /// absolute, as in DINO). TorchSharp 0.107's native <c>trunc_normal_</c> fills a constant (std 0), not a sample.
    /// </summary>
    private static void TruncatedNormal(Tensor tensor, double std, double a = -2, double b = 2)
    {
        using var scope = NewDisposeScope();
        var bounds = special.erf(torch.tensor(new[] { a / std, b / std }, float64) / Math.Sqrt(2)).data<double>().ToArray();
        double low = (1 + bounds[0]) / 2, high = (1 + bounds[1]) / 2;
        tensor.uniform_(2 * low - 1, 2 * high - 1).erfinv_().mul_(std * Math.Sqrt(2)).clamp_(a, b);
    }
}
