using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>DINO's <c>interpolate_pos_encoding</c> (v1, and DINOv2 with its offset and antialias options) as a pure function.</summary>
public static class ViTPositionalEncoding
{
    /// <summary>
    /// The positional encoding [1, 1 + patches, dim] for an input of <paramref name="height"/> × <paramref name="width"/>
    /// pixels giving <paramref name="patchCount"/> patches. When the patch count equals the grid's and the input is
    /// square, the encoding itself; otherwise the patch part, as a [1, dim, √N, √N] grid, is resized bicubically
    /// (align_corners false) and the CLS entry is prepended again. With an <paramref name="offset"/> (DINO v1: 0.1) the
    /// resize uses scale factors ((H / patch + offset) / √N, (W / patch + offset) / √N) — PyTorch's <c>scale_factor</c>
    /// path, not a target size; with offset 0 (DINOv2 with registers) it resizes to (H / patch, W / patch).
    /// DINO names the dims of <c>x.shape[2:]</c> "w, h"; this follows the tensor order (height first).
    /// </summary>
    public static Tensor Interpolate(Tensor posEmbed, long patchCount, long height, long width, int patchSize, double offset = 0.1, bool antialias = false)
    {
        var gridPatches = posEmbed.shape[1] - 1;
        if (patchCount == gridPatches && height == width) return posEmbed.alias();
        using var scope = NewDisposeScope();
        var dim = posEmbed.shape[2];
        var classPos = posEmbed[.., ..1];
        var patchPos = posEmbed[.., 1..];
        var side = (long)Math.Sqrt(gridPatches);
        long rows = height / patchSize, columns = width / patchSize;
        var grid = patchPos.reshape(1, side, side, dim).permute(0, 3, 1, 2);
        var resized = offset != 0
            ? nn.functional.interpolate(grid, scale_factor: [(rows + offset) / side, (columns + offset) / side], mode: InterpolationMode.Bicubic,
                align_corners: false, antialias: antialias)
            : nn.functional.interpolate(grid, size: [rows, columns], mode: InterpolationMode.Bicubic, align_corners: false, antialias: antialias);
        if (resized.shape[2] != rows || resized.shape[3] != columns)
            throw new InvalidOperationException($"positional encoding resized to {resized.shape[2]}×{resized.shape[3]}, expected {rows}×{columns}");
        var flat = resized.permute(0, 2, 3, 1).reshape(1, -1, dim);
        return cat([classPos, flat], 1).MoveToOuterDisposeScope();
    }
}
