using Oml.Images;
using Oml.Registries;

namespace Oml.Tests.Images;

public class ImageTransformTests
{
    private static readonly double[] ImageNetMean = [0.485, 0.456, 0.406];
    private static readonly double[] ImageNetStd = [0.229, 0.224, 0.225];
    private static readonly double[] ClipMean = [0.48145466, 0.4578275, 0.40821073];
    private static readonly double[] ClipStd = [0.26862954, 0.26130258, 0.27577711];

    public static TheoryData<string, int, int> OutputShapes => new()
    {
        { "norm_albu", 50, 40 },
        { "norm_torch", 50, 40 },
        { "norm_resize_torch", 224, 224 },
        { "norm_resize_albu", 224, 224 },
        { "norm_resize_albu_clip", 224, 224 },
        { "augs_torch", 224, 224 },
        { "augs_hypvit_torch", 224, 224 },
        { "norm_resize_hypvit_torch", 224, 224 },
        { "augs_albu", 224, 224 },
    };

    [Theory]
    [MemberData(nameof(OutputShapes))]
    public void Default_transforms_have_OMLs_output_shape(string name, int width, int height)
    {
        var transform = Create(name);
        using var image = ImageFixtures.Photo(50, 40);
        Assert.Equal(new ImageSize(width, height), transform.OutputSize(50, 40));
        using var scope = NewDisposeScope();
        var tensor = transform.ApplyToTensor(image, new Random(1));
        Assert.Equal([3L, height, width], tensor.shape);
        Assert.Equal(ScalarType.Float32, tensor.dtype);
    }

    [Theory]
    [InlineData("norm_albu")]
    [InlineData("norm_torch")]
    [InlineData("norm_resize_torch")]
    [InlineData("norm_resize_hypvit_torch")]
    [InlineData("augs_hypvit_torch")]
    public void Solid_colour_normalises_to_exactly_c_over_255_minus_mean_over_std(string name)
    {
        using var image = ImageFixtures.Solid(300, 260, 200, 100, 50);
        var values = Run(Create(name), image, seed: 3);
        var plane = values.Length / 3;
        byte[] colour = [200, 100, 50];
        for (var c = 0; c < 3; c++)
        {
            var expected = (float)((colour[c] / 255.0 - ImageNetMean[c]) / ImageNetStd[c]);
            for (var i = 0; i < plane; i++) Assert.Equal(expected, values[c * plane + i]);
        }
    }

    [Fact]
    public void Custom_mean_and_std_are_used()
    {
        var transform = Registry.Transforms.Create("norm_albu",
            BlockArgs.From("transforms_val.args", ("mean", new List<object?> { 0.5, 0.5, 0.5 }), ("std", new List<object?> { 0.5, 0.25, 0.125 })));
        using var image = ImageFixtures.Solid(4, 3, 255, 0, 51);
        var values = Run(transform, image, 0);
        Assert.Equal(1f, values[0]);
        Assert.Equal(-2f, values[12]);
        Assert.Equal((float)((51 / 255.0 - 0.5) / 0.125), values[24]);
    }

    [Theory]
    [InlineData("norm_resize_albu", false)]
    [InlineData("norm_resize_albu_clip", true)]
    public void Letterbox_keeps_aspect_and_pads_with_white(string name, bool clip)
    {
        double[] mean = clip ? ClipMean : ImageNetMean, std = clip ? ClipStd : ImageNetStd;
        using var image = ImageFixtures.Solid(100, 50, 10, 20, 30); // -> 224 x 112, 56 white rows above and below
        var values = Run(Create(name), image, seed: 0);
        var plane = 224 * 224;
        for (var c = 0; c < 3; c++)
        {
            var white = (float)((1.0 - mean[c]) / std[c]);
            var colour = (float)((new[] { 10, 20, 30 }[c] / 255.0 - mean[c]) / std[c]);
            Assert.Equal(white, values[c * plane + 0]);                 // top-left
            Assert.Equal(white, values[c * plane + 55 * 224 + 100]);    // last padded row
            Assert.Equal(colour, values[c * plane + 56 * 224 + 100]);   // first image row
            Assert.Equal(colour, values[c * plane + 167 * 224 + 0]);    // last image row
            Assert.Equal(white, values[c * plane + 168 * 224 + 0]);     // first padded row below
        }
    }

    [Fact]
    public void Hypvit_resizes_the_shorter_side_then_crops_the_centre()
    {
        Assert.Equal(new ImageSize(341, 256), ResizeCenterCropTransform.ShorterSideTo(400, 300, 256));
        Assert.Equal(new ImageSize(256, 454), ResizeCenterCropTransform.ShorterSideTo(300, 533, 256));
        // left half red, right half blue: after a centre crop of a wide image, both halves remain, split in the middle
        using var image = new RgbImage(400, 300);
        for (var y = 0; y < 300; y++)
            for (var x = 0; x < 400; x++) image.SetPixel(x, y, (byte)(x < 200 ? 255 : 0), 0, (byte)(x < 200 ? 0 : 255));
        var values = Run(Create("norm_resize_hypvit_torch"), image, 0);
        var red0 = (float)((1 - ImageNetMean[0]) / ImageNetStd[0]);
        Assert.Equal(red0, values[100 * 224 + 10]);
        Assert.NotEqual(red0, values[100 * 224 + 200]);
    }

    [Theory]
    [InlineData("augs_torch")]
    [InlineData("augs_hypvit_torch")]
    [InlineData("augs_albu")]
    public void Random_transforms_repeat_with_a_seed_and_vary_without(string name)
    {
        var transform = Create(name);
        using var image = ImageFixtures.Photo(120, 90);
        Assert.Equal(Run(transform, image, 42), Run(transform, image, 42));
        Assert.NotEqual(Run(transform, image, 42), Run(transform, image, 43));
    }

    [Fact]
    public void Same_seeds_give_identical_batches_on_any_number_of_threads()
    {
        var transform = Create("augs_torch");
        using var image = ImageFixtures.Photo(120, 90);
        using var scope = NewDisposeScope();
        var sequential = zeros(16, 3, 224, 224);
        var parallel = zeros(16, 3, 224, 224);
        for (var i = 0; i < 16; i++) transform.ApplyToBatch(image, new Random(1000 + i), sequential, i);
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            i => transform.ApplyToBatch(image, new Random(1000 + i), parallel, i));
        Assert.True(sequential.equal(parallel).all().item<bool>());
        Assert.False(sequential[0].equal(sequential[1]).all().item<bool>());
    }

    [Fact]
    public void Colour_jitter_really_changes_pixels()
    {
        using var original = ImageFixtures.Photo(64, 48);
        var changedRuns = 0;
        for (var seed = 0; seed < 10; seed++)
        {
            using var jittered = original.Clone();
            new ColorJitter().Apply(jittered, new Random(seed));
            var changed = 0;
            for (var i = 0; i < original.Pixels.Length; i++)
                if (Math.Abs(original.Pixels[i] - jittered.Pixels[i]) > 2) changed++;
            if (changed > original.Pixels.Length / 2) changedRuns++;
        }
        Assert.True(changedRuns >= 8, $"only {changedRuns} of 10 jitters changed most pixels");
    }

    [Fact]
    public void Augs_torch_jitter_arguments_are_used()
    {
        using var image = ImageFixtures.Photo(120, 90);
        var jittered = Create("augs_torch");
        var plain = Registry.Transforms.Create("augs_torch", BlockArgs.From("transforms_train.args",
            ("brightness", 0.0), ("contrast", 0.0), ("saturation", 0.0), ("hue", 0.0), ("min_scale", 0.5)));
        var hypvitLike = new RandomResizedCropTransform(224, 0.5, ResampleFilter.Bilinear, null, ChannelNormalization.ImageNet);
        Assert.Equal(Run(hypvitLike, image, 5), Run(plain, image, 5)); // jitter off = crop + flip only
        Assert.NotEqual(Run(jittered, image, 5), Run(plain, image, 5));
    }

    [Fact]
    public void Hue_shift_of_half_a_turn_gives_the_complementary_colour()
    {
        using var red = ImageFixtures.Solid(2, 2, 255, 0, 0);
        // hue only, amount 0.5: the drawn shift is in [-0.5, 0.5]; find a seed whose shift is near +-0.5
        var jitter = new ColorJitter(0, 0, 0, 0.5);
        var found = false;
        for (var seed = 0; seed < 200 && !found; seed++)
        {
            using var image = red.Clone();
            jitter.Apply(image, new Random(seed));
            found = image.GetPixel(0, 0) is (< 20, > 230, > 230);
        }
        Assert.True(found, "no seed turned red into cyan");
    }

    [Fact]
    public void Random_resized_crop_samples_inside_the_image_with_torchvisions_ranges()
    {
        var rng = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var (left, top, w, h) = RandomResizedCropTransform.SampleCrop(500, 375, 0.08, rng);
            Assert.InRange(left, 0, 500 - w);
            Assert.InRange(top, 0, 375 - h);
            Assert.InRange((double)w * h / (500 * 375), 0.07, 1.0);
        }
    }

    [Fact]
    public void Flip_mirrors_left_and_right()
    {
        using var image = new RgbImage(3, 1, [255, 0, 0, 0, 255, 0, 0, 0, 255]);
        var normalization = ChannelNormalization.ImageNet;
        var flipped = new float[9];
        normalization.WriteChannelsFirst(image, flipped, flipHorizontally: true);
        Assert.Equal(normalization.Normalize(0, 0), flipped[0]);
        Assert.Equal(normalization.Normalize(0, 255), flipped[2]);
        Assert.Equal(normalization.Normalize(2, 255), flipped[6]);
    }

    [Fact]
    public void Batch_helper_checks_the_shape()
    {
        using var scope = NewDisposeScope();
        using var image = ImageFixtures.Photo(50, 40);
        var wrong = zeros(2, 3, 100, 100);
        Assert.Throws<ArgumentException>(() => Create("norm_resize_torch").ApplyToBatch(image, new Random(0), wrong, 0));
    }

    private static IImageTransform Create(string name) => Registry.Transforms.Create(name, BlockArgs.Empty("transforms.args"));

    private static float[] Run(IImageTransform transform, RgbImage image, int seed)
    {
        var size = transform.OutputSize(image.Width, image.Height);
        var values = new float[3 * size.Width * size.Height];
        transform.Apply(image, new Random(seed), values);
        return values;
    }
}
