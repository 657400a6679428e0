using System.Globalization;

namespace Oml.Models;

/// <summary>
/// The shape of a DINO VisionTransformer: patch size, embedding dim, depth, heads, MLP ratio and the training image
/// size that fixes the positional-encoding grid (224 / patch per side for DINO v1, 518 / 14 = 37 for DINOv2); for
/// DINOv2 also the register tokens and how the positional encoding is resized (OML's <c>hubconf.py</c>: offset 0.1
/// without registers; a target size with antialiasing with them). The full-size archs come from <see cref="ForArch"/>;
/// tests build tiny specs that run the same code.
/// </summary>
public sealed record ViTSpec(int PatchSize, int Dim, int Depth, int Heads, int MlpRatio = 4, int ImageSize = 224)
{
    /// <summary>
    /// OML's archs: DINO v1 vits8, vits16 (dim 384, 6 heads), vitb8, vitb16 (dim 768, 12 heads), depth 12; DINOv2
    /// (patch 14, 518 px) vits14, vitb14 (the same dims), vitl14 (dim 1024, 16 heads, depth 24), each also with 4
    /// register tokens (_reg).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, ViTSpec> Archs = new Dictionary<string, ViTSpec>
    {
        ["vits8"] = new(8, 384, 12, 6),
        ["vits16"] = new(16, 384, 12, 6),
        ["vitb8"] = new(8, 768, 12, 12),
        ["vitb16"] = new(16, 768, 12, 12),
        ["vits14"] = Dinov2(384, 12, 6),
        ["vitb14"] = Dinov2(768, 12, 12),
        ["vitl14"] = Dinov2(1024, 24, 16),
        ["vits14_reg"] = Dinov2(384, 12, 6).WithRegisters(4),
        ["vitb14_reg"] = Dinov2(768, 12, 12).WithRegisters(4),
        ["vitl14_reg"] = Dinov2(1024, 24, 16).WithRegisters(4),
    };

    public ViTFamily Family { get; init; } = ViTFamily.Dino;

    /// <summary>DINOv2's <c>num_register_tokens</c>: learned tokens after the CLS token, without positional encoding.</summary>
    public int RegisterTokens { get; init; }

    /// <summary>
    /// <c>interpolate_offset</c>: a resized positional encoding uses scale factors (side / patch + offset) / grid; 0
    /// resizes to the patch grid's size instead.
    /// </summary>
    public double InterpolateOffset { get; init; } = 0.1;

    /// <summary><c>interpolate_antialias</c> of the bicubic resize of the positional encoding.</summary>
    public bool InterpolateAntialias { get; init; }

    /// <summary>Patches per side of the positional-encoding grid.</summary>
    public int GridSize => ImageSize / PatchSize;

    /// <summary>The spec of a config name such as "vits16"; an unknown name is an <see cref="OmlException"/>.</summary>
    public static ViTSpec ForArch(string arch)
    {
        if (arch is not null && Archs.TryGetValue(arch, out var spec)) return spec;
        throw new OmlException($"unknown ViT arch '{arch}'; valid: {string.Join(", ", Archs.Keys)}");
    }

    /// <summary>A DINOv2 shape as OML's <c>hubconf.py</c> builds it: patch 14, 518 px, layer scale, no registers.</summary>
    public static ViTSpec Dinov2(int dim, int depth, int heads, int patchSize = 14, int imageSize = 518) =>
        new(patchSize, dim, depth, heads, ImageSize: imageSize) { Family = ViTFamily.Dinov2 };

    /// <summary>This DINOv2 shape with <paramref name="count"/> register tokens and, as OML's <c>_reg</c> constructors, the positional encoding resized to the grid's size with antialiasing.</summary>
    public ViTSpec WithRegisters(int count) => this with { RegisterTokens = count, InterpolateOffset = 0, InterpolateAntialias = true };

    internal void Validate()
    {
        if (PatchSize < 1 || Dim < 1 || Depth < 1 || Heads < 1 || MlpRatio < 1 || ImageSize < PatchSize || Dim % Heads != 0)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"invalid ViT spec: patch {PatchSize}, dim {Dim}, depth {Depth}, heads {Heads} (must divide dim), mlp ratio {MlpRatio}, image size {ImageSize}"));
        if (RegisterTokens < 0 || (RegisterTokens > 0 && Family != ViTFamily.Dinov2) || InterpolateOffset < 0 || double.IsNaN(InterpolateOffset))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"invalid ViT spec: {RegisterTokens} register tokens (DINOv2 only, not negative), interpolate offset {InterpolateOffset} (not negative)"));
    }
}
