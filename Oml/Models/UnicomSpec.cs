using System.Globalization;

namespace Oml.Models;

/// <summary>
/// The shape of Unicom's VisionTransformer (<c>oml/models/vit_unicom/external/vision_transformer.py</c>, <c>build_model</c>):
/// input size, patch size, width, the size of the features, depth, heads, MLP ratio and the stochastic-depth rate of the
/// last block (Unicom builds every arch with 0.1, linearly from 0 at the first block; it acts in training only). The
/// feature head flattens every patch token, so the input size is the only image size it takes.
/// </summary>
public sealed record UnicomSpec(int InputSize, int PatchSize, int Dim, int EmbeddingSize, int Depth, int Heads, int MlpRatio = 4, double DropPathRate = 0.1)
{
    /// <summary>OML's <c>vit_unicom</c> archs (<c>ViTUnicomExtractor.constructors</c>).</summary>
    public static readonly IReadOnlyDictionary<string, UnicomSpec> Archs = new Dictionary<string, UnicomSpec>
    {
        ["vitb32_unicom"] = new(224, 32, 768, 512, 12, 12),
        ["vitb16_unicom"] = new(224, 16, 768, 768, 12, 12),
        ["vitl14_unicom"] = new(224, 14, 1024, 768, 24, 16),
        ["vitl14_336px_unicom"] = new(336, 14, 1024, 768, 24, 16),
    };

    /// <summary>Patch tokens (no class token): (input size / patch)².</summary>
    public int PatchCount => (InputSize / PatchSize) * (InputSize / PatchSize);

    /// <summary>The spec of a config name such as "vitb32_unicom"; an unknown name is an <see cref="OmlException"/>.</summary>
    public static UnicomSpec ForArch(string arch)
    {
        if (arch is not null && Archs.TryGetValue(arch, out var spec)) return spec;
        throw new OmlException($"unknown Unicom arch '{arch}'; valid: {string.Join(", ", Archs.Keys)}");
    }

    internal void Validate()
    {
        if (InputSize < PatchSize || PatchSize < 1 || Dim < 1 || EmbeddingSize < 1 || Depth < 1 || Heads < 1 || MlpRatio < 1
            || Dim % Heads != 0 || DropPathRate is < 0 or >= 1)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"invalid Unicom spec: input {InputSize}, patch {PatchSize}, dim {Dim}, embedding {EmbeddingSize}, depth {Depth}, heads {Heads} (must divide dim), mlp ratio {MlpRatio}, drop path {DropPathRate}"));
    }
}
