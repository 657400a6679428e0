using Oml.Runtime;

namespace Oml.Tests.Cli;

public sealed class CliTorchLoadTests : TempDirectoryTest
{
    /// <summary>
    /// A copy of the CLI whose libLibTorchSharp.so is the unpatched one from the NuGet package: on Debian 12 the user
    /// must get our diagnosis, not TorchSharp's "doesn't contain a reference to libtorch" and its search trace.
    /// </summary>
    [Fact]
    public void UnpatchedNativeLibraryOnAnOldLibstdcxxGivesTheDiagnosis()
    {
        var system = TorchLoadDiagnosis.HighestGlibcxx("/usr/lib/x86_64-linux-gnu/libstdc++.so.6");
        if (system is null || TorchLoadDiagnosis.CompareGlibcxx(system, TorchLoadDiagnosis.NewGlibcxx) >= 0)
        {
            Assert.Skip($"this system's libstdc++ ({system ?? "not found"}) loads the unpatched library");
        }
        var unpatched = NuGetCache.UnpatchedTorchSharpLibrary();

        var app = Directory.CreateDirectory(Dir.File("app")).FullName;
        foreach (var file in Directory.GetFiles(AppContext.BaseDirectory))
        {
            var target = Path.Combine(app, Path.GetFileName(file));
            if (file.Contains(".so")) File.CreateSymbolicLink(target, file);
            else File.Copy(file, target);
        }
        File.Delete(Path.Combine(app, TorchLoadDiagnosis.NativeLibraryName));
        File.Copy(unpatched, Path.Combine(app, TorchLoadDiagnosis.NativeLibraryName));

        var result = CliRunner.Run(Dir.Path, "--cli-dll=" + Path.Combine(app, "Oml.Cli.dll"), "info");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("requires GLIBCXX_3.4.32", result.All);
        Assert.Contains("TorchSharpGlibcxxFix.targets", result.All);
        Assert.DoesNotContain("Trace from LoadNativeBackend", result.All);
        Assert.DoesNotContain("   at ", result.All);
    }
}
