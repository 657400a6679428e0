using Oml.Images;
using Oml.Zoo;

namespace Oml.Registries;

/// <summary>The built-in transforms under OML's registry names (<c>oml/registry/transforms.py</c>).</summary>
public static class ImageTransformRegistry
{
    public static RegistryTable<IImageTransform> CreateDefault()
    {
        var table = new RegistryTable<IImageTransform>("transform");
        table["norm_albu"] = args => new NormalizeTransform(Normalization(args));
        table["norm_torch"] = args => new NormalizeTransform(Normalization(args));
        table["norm_resize_torch"] = args => new ResizeTransform(Positive(args, "im_size", 224), ChannelNormalization.ImageNet);
        table["norm_resize_albu"] = args => new LetterboxTransform(Positive(args, "im_size", 224), ChannelNormalization.ImageNet);
        table["norm_resize_albu_clip"] = args => new LetterboxTransform(Positive(args, "im_size", 224), ChannelNormalization.Clip);
        table["augs_torch"] = args => AugsTorch(args, ChannelNormalization.ImageNet);
        // the ML.NET ResNet-18's preprocessing (zoo key resnet18_mlnet_imagenet): BGR, 0-255, minus its mean image
        table["norm_resize_mlnet"] = args =>
        {
            var size = Positive(args, "im_size", MlNetResnet18.ImageSize);
            return args.GetBool("mean_image", true)
                ? new MeanImageResizeTransform(size, MlNetResnet18.MeanImage(), MlNetResnet18.ImageSize)
                : new ResizeTransform(size, ChannelNormalization.MlNet);
        };
        table["augs_mlnet"] = args => AugsTorch(args, ChannelNormalization.MlNet);
        table["augs_hypvit_torch"] = args => new RandomResizedCropTransform(
            Positive(args, "im_size", 224), MinScale(args, 0.2), ResampleFilter.Bicubic, null, ChannelNormalization.ImageNet);
        table["norm_resize_hypvit_torch"] = args =>
        {
            var size = Positive(args, "im_size", 256);
            var crop = Positive(args, "crop_size", 224);
            if (crop > size) throw BlockArgs.WrongType($"{args.Path}.crop_size", crop, $"at most im_size ({size})");
            return new ResizeCenterCropTransform(size, crop, ChannelNormalization.ImageNet);
        };
        // Unicom's transform(im_size): torchvision Resize(im_size, bicubic) + CenterCrop(im_size), CLIP's mean / std
        table["unicom_transforms"] = args =>
        {
            var size = args.GetInt("im_size");
            if (size <= 0) throw BlockArgs.WrongType($"{args.Path}.im_size", size, "a positive integer");
            return new ResizeCenterCropTransform(size, size, ChannelNormalization.Clip);
        };
        table["augs_albu"] = args => new AlbuStyleAugmentTransform(Positive(args, "im_size", 224), ChannelNormalization.ImageNet);
        return table;
    }

    /// <summary>torchvision's RandomResizedCrop, horizontal flip and colour jitter, then <paramref name="normalization"/>.</summary>
    private static RandomResizedCropTransform AugsTorch(BlockArgs args, ChannelNormalization normalization) => new(
        Positive(args, "im_size", 224),
        MinScale(args, 0.08),
        ResampleFilter.Bilinear,
        new ColorJitter(
            NonNegative(args, "brightness", 0.4),
            NonNegative(args, "contrast", 0.4),
            NonNegative(args, "saturation", 0.4),
            Hue(args, 0.1)),
        normalization);

    private static ChannelNormalization Normalization(BlockArgs args)
    {
        var imageNet = ChannelNormalization.ImageNet;
        var mean = args.GetDoubleList("mean", imageNet.Mean);
        var std = args.GetDoubleList("std", imageNet.Std);
        if (ReferenceEquals(mean, imageNet.Mean) && ReferenceEquals(std, imageNet.Std)) return imageNet;
        if (mean.Count != 3) throw BlockArgs.WrongType($"{args.Path}.mean", args.GetRaw("mean"), "3 numbers (R, G, B)");
        if (std.Count != 3 || std.Any(s => s <= 0))
            throw BlockArgs.WrongType($"{args.Path}.std", args.GetRaw("std"), "3 positive numbers (R, G, B)");
        return new ChannelNormalization(mean, std);
    }

    private static int Positive(BlockArgs args, string key, int defaultValue)
    {
        var value = args.GetInt(key, defaultValue);
        return value > 0 ? value : throw BlockArgs.WrongType($"{args.Path}.{key}", value, "a positive integer");
    }

    private static double MinScale(BlockArgs args, double defaultValue)
    {
        var value = args.GetDouble("min_scale", defaultValue);
        return value is > 0 and <= 1 ? value : throw BlockArgs.WrongType($"{args.Path}.min_scale", value, "a number in (0, 1]");
    }

    private static double NonNegative(BlockArgs args, string key, double defaultValue)
    {
        var value = args.GetDouble(key, defaultValue);
        return value >= 0 ? value : throw BlockArgs.WrongType($"{args.Path}.{key}", value, "a number >= 0 (0 = off)");
    }

    private static double Hue(BlockArgs args, double defaultValue)
    {
        var value = args.GetDouble("hue", defaultValue);
        return value is >= 0 and <= 0.5 ? value : throw BlockArgs.WrongType($"{args.Path}.hue", value, "a number in [0, 0.5]");
    }
}
