using Oml.Images;
using Oml.Registries;

namespace Oml.Tests.Images;

public class ImageTransformRegistryTests
{
    [Fact]
    public void Registers_OMLs_names_and_the_mlnet_ones()
    {
        Assert.Equal(
            ["augs_albu", "augs_hypvit_torch", "augs_mlnet", "augs_torch", "norm_albu", "norm_resize_albu", "norm_resize_albu_clip",
             "norm_resize_hypvit_torch", "norm_resize_mlnet", "norm_resize_torch", "norm_torch", "unicom_transforms"],
            ImageTransformRegistry.CreateDefault().Names);
    }

    [Fact]
    public void Mlnet_transforms_use_the_mean_image_or_the_channel_means_in_bgr()
    {
        var table = ImageTransformRegistry.CreateDefault();
        var withImage = Assert.IsType<MeanImageResizeTransform>(table.Create("norm_resize_mlnet", BlockArgs.From("transforms_val.args", ("im_size", 64))));
        Assert.Equal(64, withImage.Size);
        Assert.Equal(3 * 64 * 64, withImage.MeanImage.Length);
        var withMeans = Assert.IsType<ResizeTransform>(table.Create("norm_resize_mlnet", BlockArgs.From("transforms_val.args", ("im_size", 64), ("mean_image", false))));
        Assert.Same(ChannelNormalization.MlNet, withMeans.Normalization);
        var augs = Assert.IsType<RandomResizedCropTransform>(table.Create("augs_mlnet", BlockArgs.From("transforms_train.args", ("im_size", 64))));
        Assert.Same(ChannelNormalization.MlNet, augs.Normalization);
        Assert.True(ChannelNormalization.MlNet.Bgr);
    }

    [Fact]
    public void Unknown_name_suggests_the_closest()
    {
        var e = Assert.Throws<OmlException>(() =>
            ImageTransformRegistry.CreateDefault().Create("norm_resize_torhc", BlockArgs.Empty("transforms_val.args")));
        Assert.Contains("did you mean 'norm_resize_torch'", e.Message);
        Assert.Contains("augs_albu", e.Message);
    }

    [Fact]
    public void Unknown_argument_key_is_an_error_with_a_suggestion()
    {
        var e = Assert.Throws<OmlException>(() => ImageTransformRegistry.CreateDefault().Create(
            "norm_resize_torch", BlockArgs.From("transforms_val.args", ("im_sise", 128L))));
        Assert.Contains("im_sise", e.Message);
        Assert.Contains("did you mean 'im_size'", e.ToUserText());
    }

    [Theory]
    [InlineData("norm_resize_torch", "im_size", 0)]
    [InlineData("augs_torch", "min_scale", 1.5)]
    [InlineData("augs_torch", "hue", 0.7)]
    [InlineData("augs_torch", "brightness", -0.1)]
    [InlineData("norm_resize_hypvit_torch", "crop_size", 300)]
    public void Invalid_argument_values_name_the_config_path(string name, string key, double value)
    {
        var e = Assert.Throws<OmlException>(() => ImageTransformRegistry.CreateDefault().Create(
            name, BlockArgs.From("transforms_train.args", (key, value))));
        Assert.Contains($"transforms_train.args.{key}", e.Message);
    }

    [Fact]
    public void Mean_and_std_need_three_values()
    {
        var e = Assert.Throws<OmlException>(() => ImageTransformRegistry.CreateDefault().Create(
            "norm_albu", BlockArgs.From("transforms_val.args", ("std", new List<object?> { 0.5, 0.5 }))));
        Assert.Contains("transforms_val.args.std = [0.5, 0.5]", e.Message);
        Assert.Contains("3 positive numbers", e.Message);
    }

    [Fact]
    public void Arguments_reach_the_transform()
    {
        var transform = ImageTransformRegistry.CreateDefault().Create(
            "norm_resize_hypvit_torch", BlockArgs.From("t.args", ("im_size", 160L), ("crop_size", 128L)));
        Assert.Equal(new ImageSize(128, 128), transform.OutputSize(500, 300));
        var letterbox = ImageTransformRegistry.CreateDefault().Create("norm_resize_albu_clip", BlockArgs.From("t.args", ("im_size", 96L)));
        Assert.Same(ChannelNormalization.Clip, ((LetterboxTransform)letterbox).Normalization);
        Assert.Equal(96, ((LetterboxTransform)letterbox).Size);
    }

    [Fact]
    public void Users_can_add_their_own_transform()
    {
        var table = ImageTransformRegistry.CreateDefault();
        table["my_aug"] = args => new ResizeTransform(args.GetInt("im_size", 32), ChannelNormalization.ImageNet);
        Assert.Equal(new ImageSize(64, 64), table.Create("my_aug", BlockArgs.From("t.args", ("im_size", 64L))).OutputSize(10, 10));
    }
}
