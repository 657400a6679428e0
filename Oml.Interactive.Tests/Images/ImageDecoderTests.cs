using Oml.Images;

namespace Oml.Tests.Images;

public class ImageDecoderTests
{
    [Theory]
    [InlineData("pattern.png", 0)]
    [InlineData("pattern.bmp", 0)]
    [InlineData("pattern_lossless.webp", 0)]
    [InlineData("grey.png", 0)]
    [InlineData("rgba.png", 0)]
    [InlineData("palette.png", 0)]
    [InlineData("two_frames.gif", 0)]
    [InlineData("pattern.jpg", 2)]
    [InlineData("grey.jpg", 2)]
    [InlineData("pattern_lossy.webp", 2)]
    public void Decodes_like_PIL_convert_RGB(string file, int tolerance)
    {
        var path = ImageFixtures.Path(file);
        using var ours = ImageDecoder.Default.Decode(File.ReadAllBytes(path), path);
        using var pil = ImageFixtures.PilDecoded(file);
        Assert.Equal(new ImageSize(40, 30), ours.Size);
        Assert.InRange(ImageFixtures.MaxDifference(ours, pil), 0, tolerance);
    }

    [Fact]
    public void Known_colours_of_the_pattern()
    {
        using var image = ImageDecoder.Default.Decode(File.ReadAllBytes(ImageFixtures.Path("pattern.png")), "pattern.png");
        Assert.Equal(((byte)220, (byte)30, (byte)40), image.GetPixel(0, 0));
        Assert.Equal(((byte)30, (byte)200, (byte)60), image.GetPixel(39, 0));
        Assert.Equal(((byte)40, (byte)60, (byte)210), image.GetPixel(0, 29));
        Assert.Equal(((byte)240, (byte)220, (byte)20), image.GetPixel(39, 29));
        Assert.Equal(((byte)255, (byte)255, (byte)255), image.GetPixel(3, 2));
    }

    [Fact]
    public void Gif_gives_the_first_frame()
    {
        using var image = ImageDecoder.Default.Decode(File.ReadAllBytes(ImageFixtures.Path("two_frames.gif")), "two_frames.gif");
        var (r, g, b) = image.GetPixel(0, 0);
        Assert.True(r > 150 && b < 100, $"expected the red quadrant of frame 1, got {r},{g},{b}");
    }

    [Theory]
    [InlineData("grey.png")]
    [InlineData("grey.jpg")]
    public void Grey_images_have_equal_channels(string file)
    {
        using var image = ImageDecoder.Default.Decode(File.ReadAllBytes(ImageFixtures.Path(file)), file);
        var p = image.Pixels;
        for (var i = 0; i < p.Length; i += 3)
        {
            Assert.Equal(p[i], p[i + 1]);
            Assert.Equal(p[i], p[i + 2]);
        }
    }

    [Fact]
    public void Alpha_is_dropped_without_compositing()
    {
        // rgba.png: alpha 255 for x < 13, 128 for x < 26, 0 beyond; the stored colour is (10 + 5x % 200, 100 + 3y, 77)
        using var image = ImageDecoder.Default.Decode(File.ReadAllBytes(ImageFixtures.Path("rgba.png")), "rgba.png");
        Assert.Equal(((byte)(10 + 5 * 5), (byte)(100 + 3 * 4), (byte)77), image.GetPixel(5, 4));
        Assert.Equal(((byte)(10 + 5 * 20), (byte)(100 + 3 * 7), (byte)77), image.GetPixel(20, 7));
        Assert.Equal(((byte)(10 + 5 * 35), (byte)(100 + 3 * 29), (byte)77), image.GetPixel(35, 29));
    }

    [Fact]
    public void Box_crop_returns_exactly_the_box_pixels()
    {
        var path = ImageFixtures.Path("pattern.png");
        var box = new BoundingBox(X1: 2, X2: 25, Y1: 1, Y2: 17);
        using var full = ImageDecoder.Default.Decode(File.ReadAllBytes(path), path);
        using var cropped = ImageDecoder.Default.Decode(File.ReadAllBytes(path), path, box);
        Assert.Equal(new ImageSize(23, 16), cropped.Size);
        for (var y = 0; y < 16; y++)
            for (var x = 0; x < 23; x++)
                Assert.Equal(full.GetPixel(x + 2, y + 1), cropped.GetPixel(x, y));
        Assert.Equal(((byte)255, (byte)255, (byte)255), cropped.GetPixel(1, 1)); // the marker at (3, 2)
    }

    [Theory]
    [InlineData(0, 41, 0, 30)]
    [InlineData(0, 40, 0, 31)]
    [InlineData(-1, 10, 0, 10)]
    [InlineData(10, 10, 0, 10)]
    public void Box_outside_the_image_names_file_box_and_size(int x1, int x2, int y1, int y2)
    {
        var path = ImageFixtures.Path("pattern.png");
        var e = Assert.Throws<OmlException>(() =>
            ImageDecoder.Default.Decode(File.ReadAllBytes(path), path, new BoundingBox(x1, x2, y1, y2)));
        Assert.Contains(path, e.Message);
        Assert.Contains($"x_1={x1}, x_2={x2}, y_1={y1}, y_2={y2}", e.Message);
        Assert.Contains("40x30", e.Message);
    }

    [Theory]
    [InlineData("not_an_image.jpg", "not a JPEG, PNG, BMP, GIF or WebP")]
    [InlineData("empty.png", "empty")]
    public void Bad_files_name_the_file(string file, string reason)
    {
        var path = ImageFixtures.Path(file);
        var e = Assert.Throws<OmlException>(() => new ImageReader().Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Missing_file_names_the_file()
    {
        var path = ImageFixtures.Path("no_such_file.jpg");
        var e = Assert.Throws<OmlException>(() => new ImageReader().Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("png")]
    public void Truncated_files_name_the_file(string format)
    {
        using var photo = ImageFixtures.Photo(120, 90);
        var bytes = format == "jpeg" ? ImageEncoding.EncodeJpeg(photo, 90) : ImageEncoding.EncodePng(photo);
        var half = bytes[..(bytes.Length / 2)];
        var e = Assert.Throws<OmlException>(() => ImageDecoder.Default.Decode(half, $"cut/in/half.{format}"));
        Assert.Contains($"cut/in/half.{format}", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Corrupt_jpeg_body_is_an_error_naming_the_file()
    {
        using var photo = ImageFixtures.Photo(120, 90);
        var bytes = ImageEncoding.EncodeJpeg(photo, 90);
        // Keep the headers, replace the end of the entropy-coded data (and the EOI marker) with garbage.
        for (var i = bytes.Length * 3 / 4; i < bytes.Length; i++) bytes[i] = 0xFF;
        var e = Assert.Throws<OmlException>(() => ImageDecoder.Default.Decode(bytes, "corrupt.jpg"));
        Assert.Contains("corrupt.jpg", e.Message);
    }

    [Fact]
    public void Images_over_the_pixel_limit_are_refused_before_decoding()
    {
        var path = ImageFixtures.Path("pattern.png");
        var decoder = new ImageDecoder(maxPixels: 1000);
        var e = Assert.Throws<OmlException>(() => decoder.Decode(File.ReadAllBytes(path), path));
        Assert.Contains(path, e.Message);
        Assert.Contains("1,200", e.Message);
        Assert.Contains("maxPixels", e.Message);
        Assert.Equal(new ImageSize(40, 30), decoder.ReadSize(File.ReadAllBytes(path), path));
    }

    [Fact]
    public void Default_limit_refuses_a_header_only_bomb()
    {
        // A 20000 x 20000 BMP header (400 M pixels, over PIL's 89,478,485) with no pixel data behind it.
        var header = new byte[54];
        "BM"u8.CopyTo(header);
        BitConverter.GetBytes(54 + 20000 * 20000 * 3).CopyTo(header, 2);
        BitConverter.GetBytes(54).CopyTo(header, 10);
        BitConverter.GetBytes(40).CopyTo(header, 14);
        BitConverter.GetBytes(20000).CopyTo(header, 18);
        BitConverter.GetBytes(20000).CopyTo(header, 22);
        BitConverter.GetBytes((short)1).CopyTo(header, 26);
        BitConverter.GetBytes((short)24).CopyTo(header, 28);
        var e = Assert.Throws<OmlException>(() => ImageDecoder.Default.Decode(header, "bomb.bmp"));
        Assert.Contains("bomb.bmp", e.Message);
        Assert.Contains("89,478,485", e.Message);
    }

    [Fact]
    public void Dct_downscaling_stays_within_resize_noise()
    {
        using var photo = ImageFixtures.Photo(2000, 1500);
        var jpeg = ImageEncoding.EncodeJpeg(photo, 90);
        var transform = new ResizeTransform(224, ChannelNormalization.ImageNet);
        using var scaled = ImageDecoder.Default.Decode(jpeg, "big.jpg", transform: transform);
        using var full = new ImageDecoder(allowDctDownscaling: false).Decode(jpeg, "big.jpg", transform: transform);
        Assert.Equal(new ImageSize(2000, 1500), full.Size);
        Assert.True(scaled.Width < 1000 && scaled.Width >= 448 && scaled.Height >= 448, $"decoded at {scaled.Size}");

        var a = new float[3 * 224 * 224];
        var b = new float[3 * 224 * 224];
        transform.Apply(scaled, new Random(0), a);
        transform.Apply(full, new Random(0), b);
        var meanLevels = a.Zip(b, (x, y) => Math.Abs(x - y)).Average() * 0.225 * 255; // back to 8-bit levels
        Assert.InRange(meanLevels, 0, 1.0); // measured 0.38 levels at 3/8 scale
    }
}
