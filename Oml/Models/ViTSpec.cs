using System.Globalization;

namespace Oml.Models;

/// <summary>
/// The shape of a DINO v1 VisionTransformer (<c>vision_transformer.py</c>): patch size, embedding dim, depth, heads,
/// MLP ratio and the training image size that fixes the positional-encoding grid (224 / patch per side).
/// The full-size archs come from <see cref="ForArch"/>; tests build tiny specs that run the same code.
/// </summary>
public sealed record ViTSpec(int PatchSize, int Dim, int Depth, int Heads, int MlpRatio = 4, int ImageSize = 224)
{
    /// <summary>OML's DINO v1 archs (vits8, vits16: dim 384, 6 heads; vitb8, vitb16: dim 768, 12 heads; depth 12).</summary>
    public static readonly IReadOnlyDictionary<string, ViTSpec> Archs = new Dictionary<string, ViTSpec>
    {
        ["vits8"] = new(8, 384, 12, 6),
        ["vits16"] = new(16, 384, 12, 6),
        ["vitb8"] = new(8, 768, 12, 12),
        ["vitb16"] = new(16, 768, 12, 12),
    };

    /// <summary>Patches per side of the positional-encoding grid.</summary>
    public int GridSize => ImageSize / PatchSize;

    /// <summary>The spec of a config name such as "vits16"; an unknown name is an <see cref="OmlException"/>.</summary>
    public static ViTSpec ForArch(string arch)
    {
        if (arch is not null && Archs.TryGetValue(arch, out var spec)) return spec;
        throw new OmlException($"unknown ViT arch '{arch}'; valid: {string.Join(", ", Archs.Keys)}");
    }

    internal void Validate()
    {
        if (PatchSize < 1 || Dim < 1 || Depth < 1 || Heads < 1 || MlpRatio < 1 || ImageSize < PatchSize || Dim % Heads != 0)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"invalid ViT spec: patch {PatchSize}, dim {Dim}, depth {Depth}, heads {Heads} (must divide dim), mlp ratio {MlpRatio}, image size {ImageSize}"));
    }
}
