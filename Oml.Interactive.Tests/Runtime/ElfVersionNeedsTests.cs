using Oml.Runtime;

namespace Oml.Tests.Runtime;

public sealed class ElfVersionNeedsTests
{
    private static string PackagedLibrary() => NuGetCache.UnpatchedTorchSharpLibrary();

    [Fact]
    public void ThePackagedLibraryNeedsGlibcxx3432Strictly()
    {
        var needs = ElfVersionNeeds.Read(PackagedLibrary());
        var glibcxx = Assert.Single(needs, n => n.Version == TorchLoadDiagnosis.NewGlibcxx);
        Assert.Equal("libstdc++.so.6", glibcxx.Library);
        Assert.False(glibcxx.IsWeak);
        Assert.Contains(needs, n => n.Library == "libc.so.6" && n.Version.StartsWith("GLIBC_2."));
    }

    [Fact]
    public void TheBuildOutputCopyWasMadeWeakByTheBuildTarget()
    {
        var built = Path.Combine(AppContext.BaseDirectory, TorchLoadDiagnosis.NativeLibraryName);
        var glibcxx = Assert.Single(ElfVersionNeeds.Read(built), n => n.Version == TorchLoadDiagnosis.NewGlibcxx);
        Assert.True(glibcxx.IsWeak);
    }

    [Fact]
    public void WeakeningChangesOnlyThatRequirementAndIsIdempotent()
    {
        var original = File.ReadAllBytes(PackagedLibrary());
        var patched = ElfVersionNeeds.WithWeakRequirement(original, TorchLoadDiagnosis.NewGlibcxx);
        Assert.NotNull(patched);
        Assert.Equal(original.Length, patched.Length);
        Assert.Equal(1, original.Zip(patched).Count(p => p.First != p.Second));
        Assert.Null(ElfVersionNeeds.WithWeakRequirement(patched, TorchLoadDiagnosis.NewGlibcxx));

        var before = ElfVersionNeeds.Read(PackagedLibrary());
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, patched);
            var after = ElfVersionNeeds.Read(path);
            Assert.Equal(before.Select(n => n with { IsWeak = n.IsWeak || n.Version == TorchLoadDiagnosis.NewGlibcxx }), after);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void NonElfFilesHaveNoRequirements()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not an ELF file");
            Assert.Empty(ElfVersionNeeds.Read(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
