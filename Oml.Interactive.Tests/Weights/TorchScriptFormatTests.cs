using System.IO.Compression;
using Oml.Tests.Models;
using Oml.Weights;

namespace Oml.Tests.Weights;

/// <summary>TorchScript archives (torch.jit.save) are read by LibTorch's loader; one it cannot load, or a damaged one, is an <see cref="OmlException"/>.</summary>
public sealed class TorchScriptFormatTests : TempDirectoryTest
{
    [Fact]
    public void AnArchivesParametersComeOutInTheirStoredDtype()
    {
        using var read = StateDictFile.Read(ClipUnicomFixtures.OpenAiArchive);
        Assert.Equal(WeightsFormat.TorchScript, read.Format);
        Assert.Contains("visual.transformer.resblocks.1.mlp.c_proj.weight", read.Keys);
        Assert.Contains("token_embedding.weight", read.Keys);
        Assert.All(read.Values, t => Assert.Equal(ScalarType.Float16, t.dtype));
        using var ruclip = StateDictFile.Read(ClipUnicomFixtures.RuClipStateDict); // the same model's state dict, in float32
        Assert.Equal(ruclip.Keys.Order(), read.Keys.Order());
        foreach (var (key, tensor) in ruclip) Assert.True(tensor.to(float16).equal(read[key]).all().item<bool>(), key);
    }

    [Fact]
    public void AnArchiveLibTorchCannotLoadOrADamagedOneIsRefused()
    {
        var broken = Dir.File("broken.pt");
        using (var zip = ZipFile.Open(broken, ZipArchiveMode.Create))
        {
            foreach (var name in new[] { "broken/data.pkl", "broken/constants.pkl", "broken/version" })
            {
                using var w = new StreamWriter(zip.CreateEntry(name).Open());
                w.Write(name.EndsWith("version", StringComparison.Ordinal) ? "3\n" : "not a pickle");
            }
        }
        var e = Assert.Throws<OmlException>(() => StateDictFile.Read(broken));
        Assert.StartsWith($"{broken}: cannot read weights: it is a TorchScript archive (torch.jit.save) that LibTorch cannot load (", e.Message);
        Assert.Contains("torch.save(torch.jit.load(path).state_dict(), new_path)", e.ToUserText());

        var bytes = File.ReadAllBytes(ClipUnicomFixtures.OpenAiArchive);
        var truncated = Dir.File("truncated.pt");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        Assert.Contains("damaged or truncated", Assert.Throws<OmlException>(() => StateDictFile.Read(truncated)).Message);
    }
}
