using Oml.Runtime;

namespace Oml.Tests.Infrastructure;

/// <summary>Files of the machine's NuGet package cache that tests compare the build output with.</summary>
internal static class NuGetCache
{
    public static string Folder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>TorchSharp 0.107's libLibTorchSharp.so as packaged (not patched); skips the test when absent.</summary>
    public static string UnpatchedTorchSharpLibrary()
    {
        var path = Path.Combine(Folder, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", TorchLoadDiagnosis.NativeLibraryName);
        if (!File.Exists(path)) Assert.Skip($"{path} is not in the NuGet cache");
        return path;
    }
}
