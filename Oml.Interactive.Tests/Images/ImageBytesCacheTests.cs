using Oml.Images;

namespace Oml.Tests.Images;

public class ImageBytesCacheTests
{
    [Fact]
    public void Returns_the_same_bytes_and_evicts_the_least_recently_used()
    {
        var dir = Directory.CreateTempSubdirectory("oml-cache-");
        try
        {
            string Write(string name, byte value)
            {
                var path = Path.Combine(dir.FullName, name);
                File.WriteAllBytes(path, [value, value, value]);
                return path;
            }
            var a = Write("a", 1);
            var b = Write("b", 2);
            var c = Write("c", 3);
            var cache = new ImageBytesCache(2);
            var first = cache.GetOrRead(a);
            cache.GetOrRead(b);
            Assert.Same(first, cache.GetOrRead(a)); // hit, and a is now the most recent
            cache.GetOrRead(c);                      // evicts b
            Assert.True(cache.Contains(a));
            Assert.False(cache.Contains(b));
            Assert.True(cache.Contains(c));
            Assert.Equal(2, cache.Count);
            File.WriteAllBytes(a, [9]);
            Assert.Equal([1, 1, 1], cache.GetOrRead(a)); // served from memory
            Assert.Equal([2, 2, 2], cache.GetOrRead(b)); // re-read from disk
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Size_zero_turns_the_cache_off()
    {
        var path = ImageFixtures.Path("pattern.png");
        var cache = new ImageBytesCache(0);
        Assert.NotSame(cache.GetOrRead(path), cache.GetOrRead(path));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Negative_size_is_a_user_error()
    {
        var e = Assert.Throws<OmlException>(() => new ImageBytesCache(-1));
        Assert.Contains("cache_size", e.Message);
    }

    [Fact]
    public void Is_safe_under_concurrent_readers()
    {
        var files = Directory.GetFiles(ImageFixtures.Directory).Where(f => !f.EndsWith("empty.png")).ToArray();
        var cache = new ImageBytesCache(3);
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var path = files[i * 7 % files.Length];
            Assert.Equal(File.ReadAllBytes(path), cache.GetOrRead(path));
        });
        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public void Reader_serves_decoded_images_through_the_cache()
    {
        var reader = new ImageReader(cacheSize: 4);
        var path = ImageFixtures.Path("pattern.png");
        using var first = reader.Read(path);
        using var second = reader.Read(path, new Oml.Data.BoundingBox(0, 10, 0, 5));
        Assert.True(reader.Cache.Contains(path));
        Assert.Equal(new ImageSize(10, 5), second.Size);
        Assert.Equal(first.GetPixel(3, 2), second.GetPixel(3, 2));
    }
}
