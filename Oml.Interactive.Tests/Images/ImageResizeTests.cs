using Oml.Images;

namespace Oml.Tests.Images;

public class ImageResizeTests
{
    [Theory]
    [InlineData("bilinear_17x13", ResampleFilter.Bilinear)]
    [InlineData("bicubic_17x13", ResampleFilter.Bicubic)]
    [InlineData("bilinear_64x48", ResampleFilter.Bilinear)]
    [InlineData("bicubic_64x48", ResampleFilter.Bicubic)]
    public void Matches_PIL_resize_within_one_level(string key, ResampleFilter filter)
    {
        using var source = ImageFixtures.PilDecoded("pattern.png");
        using var pil = ImageFixtures.PilResized(key);
        using var ours = ImageResize.Resize(source, pil.Width, pil.Height, filter);
        Assert.InRange(ImageFixtures.MaxDifference(ours, pil), 0, 1);
    }

    [Fact]
    public void Matches_PIL_resize_of_a_fractional_box()
    {
        using var source = ImageFixtures.PilDecoded("pattern.png");
        using var pil = ImageFixtures.PilResized("bilinear_box_20x20");
        var box = ImageFixtures.PilResizeBox("bilinear_box_20x20"); // left, top, right, bottom
        using var ours = ImageResize.Resize(source, box[0], box[1], box[2], box[3], 20, 20, ResampleFilter.Bilinear);
        Assert.InRange(ImageFixtures.MaxDifference(ours, pil), 0, 1);
    }

    [Fact]
    public void Same_size_is_a_copy()
    {
        using var source = ImageFixtures.Photo(31, 17);
        using var same = ImageResize.Resize(source, 31, 17, ResampleFilter.Bicubic);
        Assert.Equal(0, ImageFixtures.MaxDifference(source, same));
    }
}
