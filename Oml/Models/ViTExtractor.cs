using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// OML's <c>ViTExtractor(weights, arch, normalise_features, use_multi_scale)</c> (<c>oml/models/vit_dino/extractor.py</c>)
/// for the DINO v1 and DINOv2 archs: a VisionTransformer with DINO's names (<c>patch_embed.proj</c>, <c>cls_token</c>,
/// <c>pos_embed</c>, <c>blocks.{i}.norm1 / attn.qkv / attn.proj / norm2 / mlp.fc1 / mlp.fc2</c>, <c>norm</c>; no head;
/// DINOv2 adds <c>blocks.{i}.ls1.gamma / ls2.gamma</c>, <c>mask_token</c> and, with registers, <c>register_tokens</c>),
/// so a DINO or DINOv2 <c>state_dict</c> loads with strict key matching. Features = the CLS token after the final
/// norm. DINO v1 takes any input side (a partial patch is dropped); DINOv2 sides must be multiples of the patch, as
/// OML asserts. The positional encoding is interpolated for other grids; DINOv2's register tokens sit after the CLS
/// token and get none. With <see cref="UseMultiScale"/> the features are the mean of those at scales 1, 1/√2 and 1/2
/// (bilinear downscale, align_corners false), in training too. Dropout and drop path are 0, as in OML's constructors.
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
    private readonly Parameter? register_tokens;
    private readonly Parameter? mask_token;
    private readonly ModuleList<ViTBlock> blocks;
    private readonly LayerNorm norm;

    /// <param name="arch">A config name: vits8, vits16, vitb8, vitb16, vits14, vitb14, vitl14, vits14_reg, vitb14_reg, vitl14_reg.</param>
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
        if (spec.RegisterTokens > 0) register_tokens = new Parameter(zeros(1, spec.RegisterTokens, spec.Dim));
        // DINOv2's masked-image-modelling token: in every checkpoint, unused by the forward
        if (spec.Family == ViTFamily.Dinov2) mask_token = new Parameter(zeros(1, spec.Dim));
        blocks = nn.ModuleList(Enumerable.Range(0, spec.Depth).Select(_ => new ViTBlock(spec.Dim, spec.Heads, spec.MlpRatio, spec.Family)).ToArray());
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
        if (Spec.Family == ViTFamily.Dinov2) CheckWholePatches(height, width);
        var x = patch_embed.forward(images).flatten(2).transpose(1, 2);
        x = cat([cls_token.expand(x.shape[0], -1, -1), x], 1);
        x = x + ViTPositionalEncoding.Interpolate(pos_embed, x.shape[1] - 1, height, width, Spec.PatchSize, Spec.InterpolateOffset, Spec.InterpolateAntialias);
        if (register_tokens is not null) x = cat([x[.., ..1], register_tokens.expand(x.shape[0], -1, -1), x[.., 1..]], 1);
        foreach (var block in blocks) x = block.forward(x);
        return norm.forward(x)[.., 0];
    }

    /// <summary>DINOv2's PatchEmbed asserts whole patches; with multi-scale extraction, at each scale's size.</summary>
    private void CheckWholePatches(long height, long width)
    {
        if (height % Spec.PatchSize == 0 && width % Spec.PatchSize == 0) return;
        var patch = Spec.PatchSize;
        var advice = UseMultiScale
            ? $"use_multi_scale resizes the input by 1, 1/√2 and 1/2 and every resized side must be whole patches too: sides {string.Join(", ", MultiScaleSides(patch))} px work"
            : $"resize or crop to whole patches, e.g. {16 * patch} px";
        throw new OmlException($"a DINOv2 ViT (patch {patch}) takes images whose sides are multiples of {patch}, got {height}x{width}, as OML asserts; {advice}");
    }

    /// <summary>The first sides (up to 64 patches) whose three multi-scale sizes are all whole patches, e.g. 140, 476, 812 for patch 14.</summary>
    public static IEnumerable<int> MultiScaleSides(int patch) =>
        Enumerable.Range(1, 64).Select(n => n * patch)
            .Where(side => MultiScales.All(s => (long)Math.Floor(side * s) % patch == 0))
            .Take(3);

    /// <summary>
    /// DINO's init: pos_embed, cls_token and Linear weights truncated normal (std 0.02), Linear biases 0, LayerNorm 1 / 0.
    /// DINOv2 draws cls_token and register_tokens from a normal with std 1e-6; layer scales start at 1, mask_token at 0.
    /// </summary>
    private void InitialiseWeights()
    {
        using var noGrad = no_grad();
        TruncatedNormalInit.Fill(pos_embed, 0.02);
        if (Spec.Family == ViTFamily.Dinov2)
        {
            nn.init.normal_(cls_token, std: 1e-6);
            if (register_tokens is not null) nn.init.normal_(register_tokens, std: 1e-6);
        }
        else
        {
            TruncatedNormalInit.Fill(cls_token, 0.02);
        }
        TruncatedNormalInit.LinearsAndLayerNorms(this, 0.02);
    }
}
