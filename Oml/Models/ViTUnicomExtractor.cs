using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// OML's <c>ViTUnicomExtractor(weights, arch, normalise_features, use_gradient_ckpt)</c> (<c>oml/models/vit_unicom/extractor.py</c>):
/// Unicom's VisionTransformer with its names (<c>patch_embed.proj</c>, <c>pos_embed</c> (no class token),
/// <c>blocks.{i}.norm1 / norm2 / attn.qkv (no bias) / attn.proj / mlp.fc1 / mlp.fc2</c>, <c>norm</c>, and the head
/// <c>feature.0</c> Linear(dim · patches → dim, no bias), <c>feature.1</c> BatchNorm1d, <c>feature.2</c> Linear(dim → embedding,
/// no bias), <c>feature.3</c> BatchNorm1d, both eps 2e-5), so Unicom's state dicts load with strict key matching. Features =
/// the head's output on all patch tokens after <c>norm</c>, flattened (<see cref="FeatDim"/> = the embedding size); only
/// images of the arch's input size fit the head. In training the batch norms use batch statistics and the blocks drop
/// paths (rate 0 to 0.1 over the depth), as in Unicom.
/// </summary>
public sealed class ViTUnicomExtractor : Extractor
{
    /// <summary>PyTorch's default LayerNorm eps, which Unicom keeps.</summary>
    public const double LayerNormEpsilon = 1e-5;

    /// <summary>The batch norms' eps in Unicom's feature head.</summary>
    public const double BatchNormEpsilon = 2e-5;

    private readonly Sequential patch_embed;
    private readonly Parameter pos_embed;
    private readonly ModuleList<UnicomBlock> blocks;
    private readonly LayerNorm norm;
    private readonly Sequential feature;

    /// <param name="arch">A config name: vitb32_unicom, vitb16_unicom, vitl14_unicom, vitl14_336px_unicom.</param>
    public ViTUnicomExtractor(string arch, FeatureNormalisation normalisation = FeatureNormalisation.None)
        : this(UnicomSpec.ForArch(arch), normalisation)
    {
        Arch = arch;
    }

    /// <summary>Any Unicom ViT shape, e.g. a tiny one for tests; the code paths are those of the full-size archs.</summary>
    public ViTUnicomExtractor(UnicomSpec spec, FeatureNormalisation normalisation = FeatureNormalisation.None)
        : base(nameof(ViTUnicomExtractor), normalisation)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        Spec = spec;
        patch_embed = nn.Sequential(("proj", nn.Conv2d(3, spec.Dim, spec.PatchSize, stride: spec.PatchSize)));
        pos_embed = new Parameter(zeros(1, spec.PatchCount, spec.Dim));
        var rates = spec.Depth == 1 ? [0.0] : Enumerable.Range(0, spec.Depth).Select(i => spec.DropPathRate * i / (spec.Depth - 1)).ToArray();
        blocks = nn.ModuleList(rates.Select(r => new UnicomBlock(spec.Dim, spec.Heads, spec.MlpRatio, r)).ToArray());
        norm = nn.LayerNorm(spec.Dim, eps: LayerNormEpsilon);
        feature = nn.Sequential(
            ("0", nn.Linear((long)spec.Dim * spec.PatchCount, spec.Dim, hasBias: false)),
            ("1", nn.BatchNorm1d(spec.Dim, eps: BatchNormEpsilon)),
            ("2", nn.Linear(spec.Dim, spec.EmbeddingSize, hasBias: false)),
            ("3", nn.BatchNorm1d(spec.EmbeddingSize, eps: BatchNormEpsilon)));
        RegisterComponents();
        InitialiseWeights();
    }

    public UnicomSpec Spec { get; }

    /// <summary>The config name it was built from, or null for a spec given directly.</summary>
    public string? Arch { get; }

    public override int FeatDim => Spec.EmbeddingSize;

    protected override Tensor ExtractUnnormalised(Tensor images)
    {
        // the feature head flattens every patch token: any other size would not fit it (OML fails inside the network)
        FixedInputSize.Check(images, Spec.InputSize, Arch is null ? "a Unicom ViT" : $"vit_unicom {Arch}", "unicom_transforms", "Unicom");
        var x = patch_embed.forward(images).flatten(2).transpose(1, 2) + pos_embed;
        foreach (var block in blocks) x = block.forward(x);
        x = norm.forward(x).reshape(images.shape[0], (long)Spec.PatchCount * Spec.Dim);
        return feature.forward(x);
    }

    /// <summary>Unicom's init: pos_embed and Linear weights truncated normal (std 0.02), Linear biases 0, LayerNorm 1 / 0.</summary>
    private void InitialiseWeights()
    {
        using var noGrad = no_grad();
        TruncatedNormalInit.Fill(pos_embed, 0.02);
        TruncatedNormalInit.LinearsAndLayerNorms(this, 0.02);
    }
}
