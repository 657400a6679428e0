using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>DINO v1's <c>interpolate_pos_encoding</c> as a pure function.</summary>
public static class ViTPositionalEncoding
{
    /// <summary>
    /// The positional encoding [1, 1 + patches, dim] for an input of <paramref name="height"/> × <paramref name="width"/>
    /// pixels giving <paramref name="patchCount"/> patches. When the patch count equals the grid's and the input is
    /// square, the encoding itself; otherwise the patch part, as a [1, dim, √N, √N] grid, is resized bicubically
    /// (align_corners false) with scale factors ((H / patch + 0.1) / √N, (W / patch + 0.1) / √N) — PyTorch's
    /// <c>scale_factor</c> path, not a target size — and the CLS entry is prepended again. DINO names the dims of
    /// <c>x.shape[2:]</c> "w, h"; this follows the tensor order (height first).
    /// </summary>
    public static Tensor Interpolate(Tensor posEmbed, long patchCount, long height, long width, int patchSize)
    {
        var gridPatches = posEmbed.shape[1] - 1;
        if (patchCount == gridPatches && height == width) return posEmbed.alias();
        using var scope = NewDisposeScope();
        var dim = posEmbed.shape[2];
        var classPos = posEmbed[.., ..1];
        var patchPos = posEmbed[.., 1..];
        var side = Math.Sqrt(gridPatches);
        var h0 = height / patchSize + 0.1;
        var w0 = width / patchSize + 0.1;
        var grid = patchPos.reshape(1, (long)side, (long)side, dim).permute(0, 3, 1, 2);
        var resized = nn.functional.interpolate(grid, scale_factor: [h0 / side, w0 / side], mode: InterpolationMode.Bicubic,
            align_corners: false);
        if (resized.shape[2] != (long)h0 || resized.shape[3] != (long)w0)
            throw new InvalidOperationException($"positional encoding resized to {resized.shape[2]}×{resized.shape[3]}, expected {(long)h0}×{(long)w0}");
        var flat = resized.permute(0, 2, 3, 1).reshape(1, -1, dim);
        return cat([classPos, flat], 1).MoveToOuterDisposeScope();
    }
}
