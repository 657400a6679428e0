using Oml.Weights;

namespace Oml.Tests.Weights;

/// <summary>StateDictFile.Read: formats found by content, checkpoint unwrapping, dtypes, views, clear errors.</summary>
public sealed class StateDictFileTests
{
    private static readonly string[] TinyKeys =
        ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "5.weight", "5.bias"];

    [Theory]
    [InlineData("tiny_state_dict.pth", WeightsFormat.PyTorch, null)]
    [InlineData("tiny_nested_model.pth", WeightsFormat.PyTorch, "model")]
    [InlineData("tiny.safetensors", WeightsFormat.Safetensors, null)]
    public void ReadsTinyNetKeysInEveryFormat(string file, WeightsFormat format, string? nestedUnder)
    {
        using var sd = StateDictFile.Read(WeightsFixtures.Path(file));
        Assert.Equal(format, sd.Format);
        Assert.Equal(nestedUnder, sd.NestedUnder);
        Assert.Equal(TinyKeys.Order(StringComparer.Ordinal), sd.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ScalarType.Int64, sd["1.num_batches_tracked"].dtype);
        Assert.Equal(3L, sd["1.num_batches_tracked"].item<long>());
        Assert.Equal(new long[] { 4, 3, 3, 3 }, sd["0.weight"].shape);
    }

    [Fact]
    public void LightningCheckpointWithUnknownPythonClassesGivesItsStateDict()
    {
        using var sd = StateDictFile.Read(WeightsFixtures.Path("tiny_lightning.ckpt"));
        Assert.Equal("state_dict", sd.NestedUnder);
        Assert.Contains("model.1.running_var", sd.Keys);
        Assert.Contains("criterion.weight", sd.Keys);
        Assert.Contains("criterion.mlp.0.weight", sd.Keys);
        Assert.Equal(12, sd.Count);
        Assert.Contains("optimizer_states", sd.Ignored);
        Assert.Contains("hyper_parameters", sd.Ignored);
        Assert.Contains("callbacks", sd.Ignored);
    }

    [Fact]
    public void SameValuesFromPthAndSafetensors()
    {
        using var pth = StateDictFile.Read(WeightsFixtures.Path("tiny_state_dict.pth"));
        using var st = StateDictFile.Read(WeightsFixtures.Path("tiny.safetensors"));
        foreach (var key in TinyKeys) Assert.True(pth[key].eq(st[key]).all().item<bool>(), key);
    }

    [Theory]
    [InlineData("dtypes.safetensors")]
    [InlineData("dtypes_views.pth")]
    public void ReadsEveryDtype(string file)
    {
        using var scope = NewDisposeScope();
        using var sd = StateDictFile.Read(WeightsFixtures.Path(file));
        var expected = arange(6, float64).reshape(2, 3) - 2.5;
        var cases = new (string Key, ScalarType DType, Tensor Values)[]
        {
            ("f32", float32, expected), ("f16", float16, expected), ("bf16", bfloat16, expected), ("f64", float64, expected),
            ("i64", int64, expected.round()), ("i32", int32, expected.round()), ("i16", int16, expected.round()), ("i8", int8, expected.round()),
            ("u8", uint8, (expected + 3).round()), ("bool", @bool, expected > 0),
        };
        foreach (var (key, dtype, values) in cases)
        {
            Assert.Equal(dtype, sd[key].dtype);
            Assert.Equal(new long[] { 2, 3 }, sd[key].shape);
            Assert.True(sd[key].to_type(float64).eq(values.to_type(float64)).all().item<bool>(), key);
        }
    }

    [Fact]
    public void ViewsOfOneStorageComeOutAsIndependentTensors()
    {
        using var scope = NewDisposeScope();
        using var sd = StateDictFile.Read(WeightsFixtures.Path("dtypes_views.pth"));
        var whole = arange(12, float32);
        Assert.True(sd["whole"].eq(whole).all().item<bool>());
        Assert.True(sd["slice"].eq(whole[2..8].view(2, 3)).all().item<bool>());
        Assert.True(sd["transposed"].eq(whole.view(3, 4).t()).all().item<bool>());
        Assert.Equal(0, sd["scalar"].dim());
        Assert.Equal(7f, sd["scalar"].item<float>());
        sd["whole"].add_(1);
        Assert.Equal(2f, sd["slice"][0, 0].item<float>());
    }

    [Theory]
    [InlineData("legacy_format.pth", "legacy")]
    [InlineData("whole_module.pth", "torch.nn.modules.container.Sequential")]
    public void RefusedFormatsSayWhyAndHowToConvert(string file, string reason)
    {
        var path = WeightsFixtures.Path(file);
        var e = Assert.Throws<OmlException>(() => StateDictFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(reason, e.Message);
        Assert.Contains("torch.save", e.ToUserText());
        Assert.Contains("safetensors", e.ToUserText());
    }

    [Fact]
    public void GarbageTruncatedEmptyAndMissingFilesAreOmlExceptions()
    {
        using var dir = new TempDirectory();
        var garbage = dir.File("garbage.pth");
        File.WriteAllBytes(garbage, [.. Enumerable.Range(0, 1000).Select(i => (byte)(i * 37 % 251))]);
        var e = Assert.Throws<OmlException>(() => StateDictFile.Read(garbage));
        Assert.Contains(garbage, e.Message);
        Assert.Contains("not a known weights format", e.Message);

        var bytes = File.ReadAllBytes(WeightsFixtures.Path("tiny_state_dict.pth"));
        var truncated = dir.File("truncated.pth");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        e = Assert.Throws<OmlException>(() => StateDictFile.Read(truncated));
        Assert.Contains(truncated, e.Message);

        var st = File.ReadAllBytes(WeightsFixtures.Path("tiny.safetensors"));
        var truncatedSt = dir.File("truncated.safetensors");
        File.WriteAllBytes(truncatedSt, st[..(st.Length - 40)]);
        e = Assert.Throws<OmlException>(() => StateDictFile.Read(truncatedSt));
        Assert.Contains(truncatedSt, e.Message);

        var empty = dir.File("empty.pth");
        File.WriteAllBytes(empty, []);
        e = Assert.Throws<OmlException>(() => StateDictFile.Read(empty));
        Assert.Contains("empty", e.Message);

        var missing = dir.File("nope.pth");
        e = Assert.Throws<OmlException>(() => StateDictFile.Read(missing));
        Assert.Contains(missing, e.Message);
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void AZipWithoutDataPklIsRefused()
    {
        using var dir = new TempDirectory();
        var path = dir.File("other.zip.pth");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        using (var w = new StreamWriter(zip.CreateEntry("readme.txt").Open())) w.Write("hello");
        var e = Assert.Throws<OmlException>(() => StateDictFile.Read(path));
        Assert.Contains("data.pkl", e.Message);
    }

    [Theory]
    [InlineData(WeightsFormat.PyTorch)]
    [InlineData(WeightsFormat.Safetensors)]
    [InlineData(WeightsFormat.TorchSharp)]
    public void WriteThenReadKeepsKeysDtypesAndValues(WeightsFormat format)
    {
        using var dir = new TempDirectory();
        using var source = StateDictFile.Read(WeightsFixtures.Path("dtypes_views.pth"));
        var path = dir.File("out.bin");
        StateDictFile.Write(source, path, format);
        using var back = StateDictFile.Read(path);
        Assert.Equal(format, back.Format);
        Assert.Equal(source.Keys, back.Keys);
        foreach (var (key, t) in source)
        {
            Assert.Equal(t.dtype, back[key].dtype);
            Assert.True(t.eq(back[key]).all().item<bool>(), key);
        }
        Assert.Empty(Directory.GetFiles(dir.Path, ".oml-tmp-*"));
    }
}
