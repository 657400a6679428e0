using Oml.Weights;

namespace Oml.Tests.Weights;

/// <summary>ModuleWeights.Load/Save: outputs equal PyTorch's, BN buffers, checks and messages, strict=false, round trips.</summary>
public sealed class ModuleWeightsTests
{
    [Theory]
    [InlineData("tiny_state_dict.pth", null, "")]
    [InlineData("tiny_lightning.ckpt", "state_dict", "model.")]
    [InlineData("tiny_nested_model.pth", "model", "")]
    [InlineData("tiny.safetensors", null, "")]
    public void LoadedNetGivesPyTorchsOutput(string file, string? nestedUnder, string prefix)
    {
        using var net = WeightsFixtures.TinyNet();
        var report = ModuleWeights.Load(net, WeightsFixtures.Path(file));
        Assert.True(report.IsComplete, report.ToString());
        Assert.Equal(9, report.Loaded.Count);
        Assert.Equal(nestedUnder, report.NestedUnder);
        Assert.Equal(prefix, report.StrippedPrefix);
        Assert.True(WeightsFixtures.MaxOutputDifference(net) < 1e-5);

        var sd = net.state_dict();
        Assert.Equal(ScalarType.Int64, sd["1.num_batches_tracked"].dtype);
        Assert.Equal(3L, sd["1.num_batches_tracked"].item<long>());
        Assert.NotEqual(0f, sd["1.running_mean"].abs().sum().item<float>());
        Assert.NotEqual(4f, sd["1.running_var"].sum().item<float>());
    }

    [Fact]
    public void LightningCheckpointDropsEveryCriterionKey()
    {
        using var net = WeightsFixtures.TinyNet();
        var report = ModuleWeights.Load(net, WeightsFixtures.Path("tiny_lightning.ckpt"));
        Assert.Equal(["criterion.arcface.weight", "criterion.mlp.0.weight", "criterion.weight"], report.Dropped.Order(StringComparer.Ordinal));
        Assert.Contains("optimizer_states", report.Ignored);
    }

    [Fact]
    public void ShapeMismatchAndMissingAndUnexpectedKeysAreNamedWithTheFile()
    {
        using var net = nn.Sequential(
            ("0", nn.Conv2d(3, 4, 3, padding: 1)),
            ("1", nn.BatchNorm2d(4)),
            ("5", nn.Linear(4, 7)),
            ("6", nn.Linear(7, 2)));
        var before = net.state_dict()["0.weight"].clone();
        var path = WeightsFixtures.Path("tiny_lightning.ckpt");
        var e = Assert.Throws<OmlException>(() => ModuleWeights.Load(net, path));
        Assert.Contains(path, e.Message);
        Assert.Contains("2 missing keys", e.Message);
        Assert.Contains("2 shape mismatches", e.Message);
        Assert.Contains("strict: false", e.Message);
        var text = e.ToUserText();
        Assert.Contains("5.weight: file [5, 4] vs model [7, 4]", text);
        Assert.Contains("5.bias: file [5] vs model [7]", text);
        Assert.Contains("missing in the file (2): 6.weight; 6.bias", text);
        Assert.True(net.state_dict()["0.weight"].eq(before).all().item<bool>(), "nothing is copied when strict loading fails");
    }

    [Fact]
    public void UnexpectedKeysAreListedAtMostTenWithACount()
    {
        using var dir = new TempDirectory();
        var tensors = Enumerable.Range(0, 15).Select(i => new KeyValuePair<string, Tensor>($"extra.{i}", zeros(1))).ToList();
        using var net = nn.Linear(2, 2);
        tensors.Add(new("weight", zeros(2, 2)));
        tensors.Add(new("bias", zeros(2)));
        var path = dir.File("extra.safetensors");
        StateDictFile.Write(tensors, path, WeightsFormat.Safetensors);
        foreach (var (_, t) in tensors) t.Dispose();
        var e = Assert.Throws<OmlException>(() => ModuleWeights.Load(net, path));
        Assert.Contains("15 unexpected keys", e.Message);
        Assert.Contains("... and 5 more", e.ToUserText());
    }

    [Fact]
    public void NonStrictLoadsWhatFitsAndReports()
    {
        using var net = nn.Sequential(
            ("0", nn.Conv2d(3, 4, 3, padding: 1)),
            ("1", nn.BatchNorm2d(4)),
            ("5", nn.Linear(4, 7)),
            ("6", nn.Linear(7, 2)));
        var head = net.state_dict()["5.weight"].clone();
        var report = ModuleWeights.Load(net, WeightsFixtures.Path("tiny_state_dict.pth"), strict: false);
        Assert.False(report.IsComplete);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"], report.Loaded);
        Assert.Equal(["6.weight", "6.bias"], report.Missing);
        Assert.Equal(2, report.ShapeMismatches.Count);
        Assert.Empty(report.Unexpected);
        Assert.True(net.state_dict()["5.weight"].eq(head).all().item<bool>(), "mismatched keys are skipped");
        using var sd = StateDictFile.Read(WeightsFixtures.Path("tiny_state_dict.pth"));
        Assert.True(net.state_dict()["0.weight"].eq(sd["0.weight"]).all().item<bool>());
        Assert.Equal(3L, net.state_dict()["1.num_batches_tracked"].item<long>());
    }

    [Theory]
    [InlineData("weights.pth", WeightsFormat.PyTorch)]
    [InlineData("weights.pt", WeightsFormat.PyTorch)]
    [InlineData("weights.safetensors", WeightsFormat.Safetensors)]
    [InlineData("weights.bin", WeightsFormat.TorchSharp)]
    [InlineData("weights.dat", WeightsFormat.TorchSharp)]
    public void SaveThenLoadIsIdentical(string name, WeightsFormat format)
    {
        using var dir = new TempDirectory();
        using var source = WeightsFixtures.TinyNet();
        ModuleWeights.Load(source, WeightsFixtures.Path("tiny_state_dict.pth"));
        var path = dir.File(name);
        ModuleWeights.Save(source, path);
        using (var sd = StateDictFile.Read(path)) Assert.Equal(format, sd.Format);

        using var target = WeightsFixtures.TinyNet();
        var report = ModuleWeights.Load(target, path);
        Assert.True(report.IsComplete);
        var a = source.state_dict();
        var b = target.state_dict();
        foreach (var (key, t) in a)
        {
            Assert.Equal(t.dtype, b[key].dtype);
            Assert.True(t.eq(b[key]).all().item<bool>(), key);
        }
        Assert.True(WeightsFixtures.MaxOutputDifference(target) < 1e-5);
        Assert.Equal([name], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void TorchSharpFormatWeWriteLoadsWithModuleLoad()
    {
        using var dir = new TempDirectory();
        using var source = WeightsFixtures.TinyNet();
        ModuleWeights.Load(source, WeightsFixtures.Path("tiny.safetensors"));
        var path = dir.File("weights.bin");
        ModuleWeights.Save(source, path);
        using var target = WeightsFixtures.TinyNet();
        target.load(path);
        Assert.True(WeightsFixtures.MaxOutputDifference(target) < 1e-5);

        var native = dir.File("native.dat");
        source.save(native);
        using var back = WeightsFixtures.TinyNet();
        Assert.True(ModuleWeights.Load(back, native).IsComplete);
        Assert.True(WeightsFixtures.MaxOutputDifference(back) < 1e-5);
    }

    [Fact]
    public void SaveOverwritesAtomicallyAndLeavesNoTempFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("w.safetensors");
        File.WriteAllText(path, "old");
        using var net = WeightsFixtures.TinyNet();
        ModuleWeights.Save(net, path);
        using var sd = StateDictFile.Read(path);
        Assert.Equal(9, sd.Count);
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}
