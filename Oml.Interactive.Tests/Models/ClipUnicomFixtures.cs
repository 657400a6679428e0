using Oml.Models;
using Oml.Weights;

namespace Oml.Tests.Models;

/// <summary>The files written by Fixtures/models/make_clip_unicom_fixtures.py, the tiny specs they were made with, and full-size files made here.</summary>
internal static class ClipUnicomFixtures
{
    /// <summary>The tiny CLIP image tower: patch 8, width 32, 2 layers, 2 heads, output 16, 32 px (a 4×4 grid + class token).</summary>
    public static readonly ClipSpec TinyClip = new(8, 32, 2, 2, 16, 32);

    /// <summary>The tiny Unicom ViT: 32 px, patch 8 (16 patch tokens), dim 32, embedding 16, depth 2, heads 2.</summary>
    public static readonly UnicomSpec TinyUnicom = new(32, 8, 32, 16, 2, 2);

    /// <summary>OpenAI's layout: a TorchScript archive of a whole tiny CLIP in fp16.</summary>
    public static string OpenAiArchive => ModelFixtures.File("clip_tiny_openai.pt");

    /// <summary>ruCLIP's layout: a whole tiny CLIP's float32 state dict (visual.* and the text tower).</summary>
    public static string RuClipStateDict => ModelFixtures.File("clip_tiny_ruclip.bin");

    /// <summary>Unicom's layout: a tiny Unicom ViT's fp16 state dict.</summary>
    public static string UnicomStateDict => ModelFixtures.File("unicom_tiny.pt");

    /// <summary>
    /// A whole CLIP's state dict as ruCLIP's pytorch_model.bin holds it, in fp16: <paramref name="visual"/>'s weights under
    /// visual.*, and text-tower keys, two of which have the image tower's names (other shapes).
    /// </summary>
    public static void WriteWholeClip(ViTClipExtractor visual, string path)
    {
        using var scope = NewDisposeScope();
        var entries = visual.state_dict().Select(kv => new KeyValuePair<string, Tensor>("visual." + kv.Key, kv.Value.to(float16)))
            .Append(new("transformer.resblocks.0.attn.in_proj_weight", randn(48, 16).to(float16)))
            .Append(new("positional_embedding", randn(77, 16).to(float16)))
            .Append(new("token_embedding.weight", randn(100, 16).to(float16)))
            .Append(new("logit_scale", tensor(4.6f).to(float16)));
        StateDictFile.Write(entries.ToList(), path, WeightsFormat.PyTorch);
    }

    /// <summary>A Unicom ViT's state dict as Unicom's FP16-*.pt holds it: floating tensors in fp16, the batch norms' counters int64.</summary>
    public static void WriteUnicomHalf(ViTUnicomExtractor model, string path)
    {
        using var scope = NewDisposeScope();
        var entries = model.state_dict().Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.is_floating_point() ? kv.Value.to(float16) : kv.Value));
        StateDictFile.Write(entries.ToList(), path, WeightsFormat.PyTorch);
    }

    /// <summary>Every floating tensor of <paramref name="loaded"/> equals <paramref name="source"/>'s rounded to fp16.</summary>
    public static void AssertHalfOf(TorchSharp.torch.nn.Module source, TorchSharp.torch.nn.Module loaded)
    {
        var expected = source.state_dict();
        var actual = loaded.state_dict();
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, tensor) in actual)
        {
            using var rounded = expected[key].is_floating_point() ? expected[key].to(float16).to(float32) : expected[key].clone();
            Assert.True(tensor.equal(rounded).all().item<bool>(), key);
        }
    }
}
