using Oml.Images;

namespace Oml.Tests.Images;

public class AugmentationOpsTests
{
    [Fact]
    public void Blur_keeps_a_solid_image_and_spreads_a_dot_symmetrically()
    {
        using var solid = ImageFixtures.Solid(20, 10, 90, 150, 210);
        AugmentationOps.GaussianBlur(solid, 1.5);
        Assert.Equal(((byte)90, (byte)150, (byte)210), solid.GetPixel(0, 0));
        Assert.Equal(((byte)90, (byte)150, (byte)210), solid.GetPixel(19, 9));

        using var dot = new RgbImage(21, 21);
        dot.SetPixel(10, 10, 255, 255, 255);
        AugmentationOps.GaussianBlur(dot, 1.0);
        var centre = dot.GetPixel(10, 10).R;
        Assert.InRange(centre, 30, 200);
        Assert.Equal(dot.GetPixel(8, 10), dot.GetPixel(12, 10));
        Assert.Equal(dot.GetPixel(10, 8), dot.GetPixel(10, 12));
        Assert.True(dot.GetPixel(11, 10).R > dot.GetPixel(12, 10).R);
    }

    [Fact]
    public void Identity_affine_is_exact_and_translation_fills_white()
    {
        using var photo = ImageFixtures.Photo(30, 20);
        using var same = AugmentationOps.Affine(photo, 0, 0, 0, 0);
        Assert.Equal(0, ImageFixtures.MaxDifference(photo, same));

        using var shifted = AugmentationOps.Affine(photo, 0, 0, 0.1, 0); // 3 pixels to the right
        Assert.Equal(((byte)255, (byte)255, (byte)255), shifted.GetPixel(0, 5));
        Assert.Equal(photo.GetPixel(10, 5), shifted.GetPixel(13, 5));
    }

    [Fact]
    public void Coarse_dropout_paints_white_holes()
    {
        using var black = new RgbImage(50, 50);
        AugmentationOps.CoarseDropout(black, 3, 10, new Random(3));
        var white = 0;
        for (var y = 0; y < 50; y++)
            for (var x = 0; x < 50; x++)
                if (black.GetPixel(x, y) == (255, 255, 255)) white++;
        Assert.InRange(white, 1, 300);
    }
}
