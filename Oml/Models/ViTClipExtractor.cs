using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// OML's <c>ViTCLIPExtractor(weights, arch, normalise_features)</c> (<c>oml/models/vit_clip/extractor.py</c>): CLIP's image
/// tower with OpenAI's names (<c>conv1</c> without bias, <c>class_embedding</c>, <c>positional_embedding</c>, <c>ln_pre</c>,
/// <c>transformer.resblocks.{i}.attn.in_proj_weight / in_proj_bias / out_proj</c>, <c>ln_1</c>, <c>mlp.c_fc</c>,
/// <c>mlp.c_proj</c>, <c>ln_2</c>, <c>ln_post</c>, <c>proj</c>), so the visual part of an OpenAI or ruCLIP checkpoint loads
/// with strict key matching (<see cref="ClipCheckpoint"/> takes it out of either file). Features = the class token after
/// <c>ln_post</c>, projected by <c>proj</c> (<see cref="FeatDim"/> = its width). As in OML, only images of the arch's
/// resolution are accepted.
/// </summary>
public sealed class ViTClipExtractor : Extractor
{
    /// <summary>PyTorch's default LayerNorm eps, which CLIP keeps.</summary>
    public const double LayerNormEpsilon = 1e-5;

    private readonly Conv2d conv1;
    private readonly Parameter class_embedding;
    private readonly Parameter positional_embedding;
    private readonly LayerNorm ln_pre;
    private readonly ClipTransformer transformer;
    private readonly LayerNorm ln_post;
    private readonly Parameter proj;

    /// <param name="arch">A config name: vitb16_224, vitb32_224, vitl14_224, vitl14_336.</param>
    public ViTClipExtractor(string arch, FeatureNormalisation normalisation = FeatureNormalisation.None)
        : this(ClipSpec.ForArch(arch), normalisation)
    {
        Arch = arch;
    }

    /// <summary>Any CLIP image tower, e.g. a tiny one for tests; the code paths are those of the full-size archs.</summary>
    public ViTClipExtractor(ClipSpec spec, FeatureNormalisation normalisation = FeatureNormalisation.None)
        : base(nameof(ViTClipExtractor), normalisation)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        Spec = spec;
        var scale = Math.Pow(spec.Width, -0.5);
        conv1 = nn.Conv2d(3, spec.Width, spec.PatchSize, stride: spec.PatchSize, bias: false);
        class_embedding = new Parameter(randn(spec.Width).mul_(scale));
        positional_embedding = new Parameter(randn((long)spec.GridSize * spec.GridSize + 1, spec.Width).mul_(scale));
        ln_pre = nn.LayerNorm(spec.Width, eps: LayerNormEpsilon);
        transformer = new ClipTransformer(spec.Width, spec.Layers, spec.Heads);
        ln_post = nn.LayerNorm(spec.Width, eps: LayerNormEpsilon);
        proj = new Parameter(randn(spec.Width, spec.OutputDim).mul_(scale));
        RegisterComponents();
    }

    public ClipSpec Spec { get; }

    /// <summary>The config name it was built from, or null for a spec given directly.</summary>
    public string? Arch { get; }

    public override int FeatDim => Spec.OutputDim;

    protected override Tensor ExtractUnnormalised(Tensor images)
    {
        // OML's assertion, as a message: CLIP takes images of its resolution only
        FixedInputSize.Check(images, Spec.InputResolution, Arch is null ? "a CLIP ViT" : $"vit_clip {Arch}", "norm_resize_albu_clip", "CLIP");
        var x = conv1.forward(images).flatten(2).transpose(1, 2);
        var cls = class_embedding.reshape(1, 1, -1).expand(x.shape[0], 1, -1);
        x = cat([cls, x], 1) + positional_embedding;
        x = transformer.forward(ln_pre.forward(x));
        return ln_post.forward(x[.., 0]).matmul(proj);
    }
}
