using Oml.Models;

namespace Oml.Tests.Models;

/// <summary>ViTExtractor (OML's <c>oml/models/vit_dino/extractor.py: ViTExtractor</c>): shapes at native and other sizes, multi-scale, save / load.</summary>
public sealed class ViTExtractorTests
{
    [Fact]
    public void FullSizeVits16GivesFeatDimFeaturesAtSmallSizes()
    {
        using var scope = NewDisposeScope();
        using var model = new ViTExtractor("vits16");
        model.eval();
        Assert.Equal(384, model.FeatDim);
        using (no_grad())
        {
            Assert.Equal(new long[] { 1, 384 }, model.Extract(randn(1, 3, 32, 32)).shape);
            Assert.Equal(new long[] { 1, 384 }, model.Extract(randn(1, 3, 48, 32)).shape);
        }
    }

    [Theory]
    [InlineData("vits8", 384)]
    [InlineData("vitb16", 768)]
    [InlineData("vitb8", 768)]
    public void FeatDimIsTheEmbeddingDim(string arch, int featDim) => Assert.Equal(featDim, ViTSpec.ForArch(arch).Dim);

    [Theory]
    [InlineData(32, 32)]
    [InlineData(16, 16)]
    [InlineData(64, 24)]
    [InlineData(40, 56)]
    public void AnyMultipleOfThePatchWorks(int height, int width)
    {
        using var scope = NewDisposeScope();
        using var model = new ViTExtractor(ModelFixtures.TinyViT, FeatureNormalisation.L2DetachedNorm);
        var features = model.Extract(randn(2, 3, height, width));
        Assert.Equal(new long[] { 2, 32 }, features.shape);
        var norms = linalg.vector_norm(features, dims: [1]).data<float>().ToArray();
        Assert.All(norms, n => Assert.Equal(1.0, n, 1e-5));
    }

    [Fact]
    public void PositionalEncodingIsUnchangedAtTheNativeSquareSize()
    {
        using var scope = NewDisposeScope();
        var pos = randn(1, 17, 8);
        Assert.True(pos.eq(ViTPositionalEncoding.Interpolate(pos, 16, 32, 32, 8)).all().item<bool>());
        Assert.Equal(new long[] { 1, 1 + 6 * 5, 8 }, ViTPositionalEncoding.Interpolate(pos, 30, 48, 40, 8).shape);
    }

    [Fact]
    public void MultiScaleIsTheMeanOverThreeScales()
    {
        using var scope = NewDisposeScope();
        using var single = new ViTExtractor(ModelFixtures.TinyViT);
        using var multi = new ViTExtractor(ModelFixtures.TinyViT, useMultiScale: true);
        multi.load_state_dict(single.state_dict());
        var x = randn(2, 3, 32, 32);
        var expected = (single.Extract(x)
                        + single.Extract(nn.functional.interpolate(x, scale_factor: [1 / Math.Sqrt(2), 1 / Math.Sqrt(2)], mode: InterpolationMode.Bilinear, align_corners: false))
                        + single.Extract(nn.functional.interpolate(x, scale_factor: [0.5, 0.5], mode: InterpolationMode.Bilinear, align_corners: false))) / 3;
        Assert.InRange(ModelFixtures.MaxAbsDifference(multi.Extract(x), expected), 0, 1e-5);
    }

    [Fact]
    public void InitialisesLikeDino()
    {
        using var scope = NewDisposeScope();
        using var model = new ViTExtractor(new ViTSpec(8, 64, 1, 2, ImageSize: 64));
        var state = model.state_dict();
        foreach (var key in new[] { "cls_token", "pos_embed", "blocks.0.attn.qkv.weight", "blocks.0.mlp.fc1.weight" })
            Assert.InRange(state[key].std().item<float>(), 0.015, 0.025);
        Assert.Equal(0, state["blocks.0.attn.qkv.bias"].abs().max().item<float>());
        Assert.Equal(1, state["norm.weight"].min().item<float>());
    }

    [Fact]
    public void SaveThenLoadIntoNewInstanceGivesIdenticalOutputs()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDirectory();
        var x = randn(2, 3, 32, 24);
        using var model = new ViTExtractor(ModelFixtures.TinyViT);
        model.save(dir.File("vit.bin"));
        using var copy = new ViTExtractor(ModelFixtures.TinyViT);
        copy.load(dir.File("vit.bin"));
        Assert.True(model.Extract(x).eq(copy.Extract(x)).all().item<bool>());
    }

    [Fact]
    public void RejectsUnknownArch()
    {
        var error = Assert.Throws<OmlException>(() => new ViTExtractor("vitg14"));
        Assert.Contains("unknown ViT arch 'vitg14'; valid: vits8, vits16, vitb8, vitb16, vits14, vitb14, vitl14, vits14_reg, vitb14_reg, vitl14_reg", error.Message, StringComparison.Ordinal);
    }
}
