using System.Globalization;
using Oml.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Onnx;

/// <summary>
/// <see cref="ViTExtractor"/>'s forward as ONNX nodes for one input size: patch Conv → tokens, the CLS token expanded
/// to the batch, the positional encoding interpolated for that size at export time (a constant, computed by
/// <see cref="ViTPositionalEncoding"/> exactly as the forward does), the pre-norm blocks (LayerNormalization, attention
/// as MatMul / Softmax, exact erf GELU), the final norm and the CLS token. With multi-scale extraction the images are
/// also resized by 1/√2 and 1/2 (Resize, linear, PyTorch's half-pixel coordinates), each scale with its own encoding,
/// and the three features averaged; the blocks' weights are stored once. DINOv2 adds its register tokens after the CLS
/// token (their rows of the encoding constant are 0), its layer scales (Mul) and scales q before q kᵀ, as the forward does.
/// </summary>
internal static class ViTOnnxGraph
{
    /// <summary>The unnormalised features [N, Dim] of <paramref name="images"/> [N, 3, height, width].</summary>
    public static string Features(OnnxGraphBuilder graph, string images, ViTExtractor vit, string prefix, int height, int width)
    {
        var modules = new ModuleLookup(vit, prefix);
        if (!vit.UseMultiScale) return ClsFeatures(graph, images, modules, vit.Spec, height, width);
        string? sum = null;
        foreach (var scale in ViTExtractor.MultiScales)
        {
            var (input, scaledHeight, scaledWidth) = scale == 1.0 ? (images, height, width) : Resize(graph, images, scale, height, width);
            var features = ClsFeatures(graph, input, modules, vit.Spec, scaledHeight, scaledWidth);
            sum = sum is null ? features : graph.Node("Add", [sum, features]);
        }
        return graph.Node("Div", [sum!, graph.Scalar("multi_scale.count", ViTExtractor.MultiScales.Count)]);
    }

    /// <summary>
    /// torch's bilinear <c>interpolate(scale_factor: s, align_corners: false)</c>: output sides floor(side · s) and source
    /// coordinates (x + 0.5) / s − 0.5, which is ONNX Resize with <c>scales</c> (not <c>sizes</c>, whose ratio out / in
    /// would move every sample) and pytorch_half_pixel coordinates.
    /// </summary>
    private static (string Output, int Height, int Width) Resize(OnnxGraphBuilder graph, string images, double scale, int height, int width)
    {
        var outHeight = (int)Math.Floor(height * scale);
        var outWidth = (int)Math.Floor(width * scale);
        // ONNX Runtime multiplies by the float32 scale; an input side where that floors differently is refused
        if ((int)Math.Floor(height * (double)(float)scale) != outHeight || (int)Math.Floor(width * (double)(float)scale) != outWidth)
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"multi-scale ViT at {height}x{width}: scale {scale} rounds differently in float32"));
        var scales = graph.Weight("multi_scale.scales_" + scale.ToString("0.####", CultureInfo.InvariantCulture), [1f, 1f, (float)scale, (float)scale], [4]);
        var resized = graph.Node("Resize", [images, "", scales],
            OnnxGraphBuilder.String("mode", "linear"),
            OnnxGraphBuilder.String("coordinate_transformation_mode", "pytorch_half_pixel"));
        return (resized, outHeight, outWidth);
    }

    /// <summary>DINO's forward: tokens → blocks → norm → CLS token.</summary>
    private static string ClsFeatures(OnnxGraphBuilder graph, string images, ModuleLookup modules, ViTSpec spec, int height, int width)
    {
        var patches = OnnxModules.Conv(graph, images, modules.Get<Conv2d>("patch_embed.proj"), modules.Path("patch_embed.proj"));
        var tokens = graph.Node("Reshape", [patches, graph.Int64s("shape.patches", [0, spec.Dim, -1])]);
        tokens = graph.Node("Transpose", [tokens], OnnxGraphBuilder.Ints("perm", 0, 2, 1));
        var batch = graph.Node("Shape", [images], OnnxGraphBuilder.Int("start", 0), OnnxGraphBuilder.Int("end", 1));
        var clsShape = graph.Node("Concat", [batch, graph.Int64s("shape.cls_rest", [1, spec.Dim])], OnnxGraphBuilder.Int("axis", 0));
        var cls = graph.Node("Expand", [graph.Weight(modules.Path("cls_token"), modules.Parameter("cls_token")), clsShape]);
        List<string> parts = [cls];
        if (spec.RegisterTokens > 0)
        {
            var registersShape = graph.Node("Concat", [batch, graph.Int64s("shape.registers_rest", [spec.RegisterTokens, spec.Dim])], OnnxGraphBuilder.Int("axis", 0));
            parts.Add(graph.Node("Expand", [graph.Weight(modules.Path("register_tokens"), modules.Parameter("register_tokens")), registersShape]));
        }
        parts.Add(tokens);
        var x = graph.Node("Concat", parts, OnnxGraphBuilder.Int("axis", 1));
        x = graph.Node("Add", [x, PositionalEncoding(graph, modules, spec, height, width)]);
        for (var i = 0; i < spec.Depth; i++) x = Block(graph, x, modules, spec, string.Create(CultureInfo.InvariantCulture, $"blocks.{i}"));
        x = OnnxModules.LayerNorm(graph, x, modules.Get<LayerNorm>("norm"), modules.Path("norm"));
        return graph.Node("Gather", [x, graph.Int64s("index.cls", [0], scalar: true)], OnnxGraphBuilder.Int("axis", 1));
    }

    private static string PositionalEncoding(OnnxGraphBuilder graph, ModuleLookup modules, ViTSpec spec, int height, int width)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var patchCount = (long)(height / spec.PatchSize) * (width / spec.PatchSize);
        var encoding = ViTPositionalEncoding.Interpolate(modules.Parameter("pos_embed"), patchCount, height, width, spec.PatchSize,
            spec.InterpolateOffset, spec.InterpolateAntialias);
        // the register tokens get no positional encoding: adding 0 leaves them exact
        if (spec.RegisterTokens > 0) encoding = cat([encoding[.., ..1], zeros(1, spec.RegisterTokens, spec.Dim, encoding.dtype, encoding.device), encoding[.., 1..]], 1);
        return graph.Weight(modules.Path("pos_embed") + string.Create(CultureInfo.InvariantCulture, $".{height}x{width}"), encoding);
    }

    /// <summary>x + attn(norm1(x)), then + mlp(norm2(x)); DINOv2 multiplies each branch by its layer scale first.</summary>
    private static string Block(OnnxGraphBuilder graph, string x, ModuleLookup modules, ViTSpec spec, string path)
    {
        var h = OnnxModules.LayerNorm(graph, x, modules.Get<LayerNorm>($"{path}.norm1"), modules.Path($"{path}.norm1"));
        x = graph.Node("Add", [x, LayerScale(graph, Attention(graph, h, modules, spec, $"{path}.attn"), modules, spec, $"{path}.ls1")]);
        h = OnnxModules.LayerNorm(graph, x, modules.Get<LayerNorm>($"{path}.norm2"), modules.Path($"{path}.norm2"));
        h = OnnxModules.Linear(graph, h, modules.Get<Linear>($"{path}.mlp.fc1"), modules.Path($"{path}.mlp.fc1"));
        h = Gelu(graph, h);
        h = OnnxModules.Linear(graph, h, modules.Get<Linear>($"{path}.mlp.fc2"), modules.Path($"{path}.mlp.fc2"));
        return graph.Node("Add", [x, LayerScale(graph, h, modules, spec, $"{path}.ls2")]);
    }

    private static string LayerScale(OnnxGraphBuilder graph, string x, ModuleLookup modules, ViTSpec spec, string path) =>
        spec.Family == ViTFamily.Dinov2
            ? graph.Node("Mul", [x, graph.Weight(modules.Path($"{path}.gamma"), modules.Parameter($"{path}.gamma"))])
            : x;

    /// <summary>softmax(q kᵀ · head_dim^−½) v over heads (DINOv2: (q · head_dim^−½) kᵀ), then proj (ViTAttention).</summary>
    private static string Attention(OnnxGraphBuilder graph, string x, ModuleLookup modules, ViTSpec spec, string path)
    {
        var qkv = OnnxModules.Linear(graph, x, modules.Get<Linear>($"{path}.qkv"), modules.Path($"{path}.qkv"));
        var y = AttentionOnnxGraph.ScaledDotProduct(graph, qkv, spec.Dim, spec.Heads, scaleQueries: spec.Family == ViTFamily.Dinov2);
        return OnnxModules.Linear(graph, y, modules.Get<Linear>($"{path}.proj"), modules.Path($"{path}.proj"));
    }

    /// <summary>The exact GELU x · ½ (1 + erf(x / √2)) of torch's nn.GELU().</summary>
    private static string Gelu(OnnxGraphBuilder graph, string x)
    {
        var erf = graph.Node("Erf", [graph.Node("Div", [x, graph.Scalar("gelu.sqrt2", (float)Math.Sqrt(2))])]);
        var onePlus = graph.Node("Add", [erf, graph.Scalar("gelu.one", 1f)]);
        return graph.Node("Mul", [graph.Node("Mul", [x, onePlus]), graph.Scalar("gelu.half", 0.5f)]);
    }
}
