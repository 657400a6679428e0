using Oml.Images;

namespace Oml.Tests.Images;

public class ImageEncodingTests
{
    [Fact]
    public void Png_round_trip_is_exact()
    {
        using var photo = ImageFixtures.Photo(37, 23);
        using var decoded = ImageDecoder.Default.Decode(ImageEncoding.EncodePng(photo), "roundtrip.png");
        Assert.Equal(0, ImageFixtures.MaxDifference(photo, decoded));
    }

    [Fact]
    public void Jpeg_round_trip_is_close()
    {
        using var image = ImageFixtures.Solid(32, 32, 200, 100, 50);
        using var decoded = ImageDecoder.Default.Decode(ImageEncoding.EncodeJpeg(image, 95), "roundtrip.jpg");
        Assert.InRange(ImageFixtures.MaxDifference(image, decoded), 0, 3);
    }

    [Fact]
    public void Normalised_tensor_goes_back_to_the_original_pixels()
    {
        using var scope = NewDisposeScope();
        using var photo = ImageFixtures.Photo(40, 30);
        var tensor = new NormalizeTransform(ChannelNormalization.Clip).ApplyToTensor(photo, new Random(0));
        using var back = ImageEncoding.FromNormalizedTensor(tensor, ChannelNormalization.Clip);
        Assert.Equal(0, ImageFixtures.MaxDifference(photo, back));
        using var fromPng = ImageDecoder.Default.Decode(ImageEncoding.ToPng(tensor, ChannelNormalization.Clip), "grid.png");
        Assert.Equal(0, ImageFixtures.MaxDifference(photo, fromPng));
    }
}
