using Oml.Runtime;

namespace Oml.Tests.Runtime;

public sealed class TorchLoadDiagnosisTests
{
    [Fact]
    public void GlibcxxVersionsCompareNumerically()
    {
        Assert.True(TorchLoadDiagnosis.CompareGlibcxx("GLIBCXX_3.4.30", "GLIBCXX_3.4.32") < 0);
        Assert.True(TorchLoadDiagnosis.CompareGlibcxx("GLIBCXX_3.4.9", "GLIBCXX_3.4.30") < 0);
        Assert.Equal(0, TorchLoadDiagnosis.CompareGlibcxx("GLIBCXX_3.4.32", "GLIBCXX_3.4.32"));
    }

    [Fact]
    public void ReadsTheSystemLibstdcxxVersion()
    {
        const string path = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
        if (!File.Exists(path)) Assert.Skip("no system libstdc++ at " + path);
        var highest = TorchLoadDiagnosis.HighestGlibcxx(path);
        Assert.NotNull(highest);
        Assert.Matches(@"^GLIBCXX_3\.4\.\d+$", highest);
    }

    [Fact]
    public void OldLibstdcxxMessageSaysWhyAndHowToFix()
    {
        var message = TorchLoadDiagnosis.ForOldLibstdcxx("/app/libLibTorchSharp.so", "GLIBCXX_3.4.30");
        Assert.Contains("requires GLIBCXX_3.4.32", message);
        Assert.Contains("stops at GLIBCXX_3.4.30", message);
        Assert.Contains("TorchSharpGlibcxxFix.targets", message);
    }

    [Fact]
    public void MissingBackendMessageNamesThePackageToAdd()
    {
        var folder = Directory.CreateTempSubdirectory("oml-nobackend").FullName;
        try
        {
            var message = TorchLoadDiagnosis.Explain(new NotSupportedException("doesn't contain a reference to libtorch"), folder);
            Assert.Contains("libtorch-cpu-linux-x64", message);
            Assert.Contains("not in this application", message);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void TheBackendLoadsInTheTestProcess()
    {
        TorchRuntime.EnsureLoaded();
        using var x = torch.arange(4, dtype: torch.float32);
        Assert.Equal(6f, x.sum().item<float>());
        Assert.StartsWith("TorchSharp 0.107", TorchRuntime.Describe());
    }
}
