using System.Globalization;

namespace Oml.Models;

/// <summary>
/// The shape of CLIP's image tower (OpenAI's <c>VisionTransformer</c>, <c>oml/models/vit_clip/external/model.py</c>):
/// patch size, width, layers, heads, the size of the projected features, and the input resolution, which is the only
/// image size it takes (the positional embedding has one row per patch of that grid, plus the class token's).
/// </summary>
public sealed record ClipSpec(int PatchSize, int Width, int Layers, int Heads, int OutputDim, int InputResolution)
{
    /// <summary>OML's <c>vit_clip</c> archs (<c>ViTCLIPExtractor.constructors</c>).</summary>
    public static readonly IReadOnlyDictionary<string, ClipSpec> Archs = new Dictionary<string, ClipSpec>
    {
        ["vitb16_224"] = new(16, 768, 12, 12, 512, 224),
        ["vitb32_224"] = new(32, 768, 12, 12, 512, 224),
        ["vitl14_224"] = new(14, 1024, 24, 16, 768, 224),
        ["vitl14_336"] = new(14, 1024, 24, 16, 768, 336),
    };

    /// <summary>Patches per side.</summary>
    public int GridSize => InputResolution / PatchSize;

    /// <summary>The spec of a config name such as "vitb16_224"; an unknown name is an <see cref="OmlException"/>.</summary>
    public static ClipSpec ForArch(string arch)
    {
        if (arch is not null && Archs.TryGetValue(arch, out var spec)) return spec;
        throw new OmlException($"unknown CLIP arch '{arch}'; valid: {string.Join(", ", Archs.Keys)}");
    }

    internal void Validate()
    {
        if (PatchSize < 1 || Width < 1 || Layers < 1 || Heads < 1 || OutputDim < 1 || InputResolution < PatchSize || Width % Heads != 0)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"invalid CLIP spec: patch {PatchSize}, width {Width}, layers {Layers}, heads {Heads} (must divide width), output {OutputDim}, resolution {InputResolution}"));
    }
}
