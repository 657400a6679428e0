using System.Runtime.InteropServices;
using Oml.Runtime;
using TorchSharp;

namespace Oml.Interactive;

/// <summary>
/// Makes TorchSharp 0.107 load inside a notebook kernel on systems whose libstdc++ is older than GCC 13's
/// (Debian 12). In a kernel the natives come straight from the NuGet cache, where <c>libLibTorchSharp.so</c>
/// still requires <c>GLIBCXX_3.4.32</c> (the build-time fix of <c>build/TorchSharpGlibcxxFix.targets</c> does not
/// run). So, before the first torch call: copy it to a private folder, mark that requirement weak there
/// (<see cref="ElfVersionNeeds"/>), load LibTorch from the <c>libtorch-cpu-linux-x64</c> package and then the patched
/// copy. Its SONAME is <c>libLibTorchSharp.so</c>, so TorchSharp's own lookups by name get the already-loaded copy.
/// </summary>
public static class KernelTorchNatives
{
    private static readonly object Gate = new();
    private static string? _outcome;

    /// <summary>What was done (for the load message and tests); null before <see cref="Prepare"/>.</summary>
    public static string? Outcome => _outcome;

    /// <summary>Idempotent; never throws (a failure shows later, diagnosed, at the first torch call).</summary>
    public static string Prepare()
    {
        lock (Gate)
        {
            return _outcome ??= PrepareCore();
        }
    }

    private static string PrepareCore()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return "not linux-x64: nothing to prepare";
        try
        {
            var beside = Path.Combine(AppContext.BaseDirectory, TorchLoadDiagnosis.NativeLibraryName);
            if (File.Exists(beside) && !NeedsStrictGlibcxx(beside))
            {
                return $"the host application carries a loadable {beside}";
            }
            var torchSharpHome = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(torch).Assembly.Location)!, "..", ".."));
            var original = Path.Combine(torchSharpHome, "runtimes", "linux-x64", "native", TorchLoadDiagnosis.NativeLibraryName);
            if (!File.Exists(original)) return $"no {original}: TorchSharp's own lookup applies";
            var packages = Path.GetFullPath(Path.Combine(torchSharpHome, "..", ".."));
            var libtorch = FindLibTorch(packages);
            if (libtorch is null) return $"no libtorch-cpu-linux-x64 package under {packages}: TorchSharp's own lookup applies";

            var bytes = File.ReadAllBytes(original);
            var patched = ElfVersionNeeds.WithWeakRequirement(bytes, TorchLoadDiagnosis.NewGlibcxx);
            var target = original;
            if (patched is not null)
            {
                var version = Path.GetFileName(torchSharpHome);
                var folder = Path.Combine(Path.GetTempPath(), $"oml-torchsharp-{Environment.UserName}", $"{version}-{bytes.Length}");
                Directory.CreateDirectory(folder);
                target = Path.Combine(folder, TorchLoadDiagnosis.NativeLibraryName);
                if (!File.Exists(target) || new FileInfo(target).Length != patched.Length)
                {
                    var temp = target + "." + Environment.ProcessId + ".tmp";
                    File.WriteAllBytes(temp, patched);
                    File.Move(temp, target, overwrite: true);
                }
            }
            // dependencies first, by full path (their SONAMEs then satisfy libLibTorchSharp's DT_NEEDED)
            foreach (var name in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" })
            {
                var path = Path.Combine(libtorch, name);
                if (File.Exists(path)) NativeLibrary.Load(path);
            }
            NativeLibrary.Load(target);
            return patched is null
                ? $"loaded {target} and LibTorch from {libtorch}"
                : $"loaded {target} ({TorchLoadDiagnosis.NewGlibcxx} marked weak) and LibTorch from {libtorch}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or BadImageFormatException)
        {
            return $"could not prepare TorchSharp's natives: {e.Message}";
        }
    }

    private static bool NeedsStrictGlibcxx(string library) =>
        ElfVersionNeeds.Read(library).Any(n => n.Version == TorchLoadDiagnosis.NewGlibcxx && !n.IsWeak);

    private static string? FindLibTorch(string packages)
    {
        var root = Path.Combine(packages, "libtorch-cpu-linux-x64");
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root)
            .OrderByDescending(d => Path.GetFileName(d) == "2.10.0")
            .ThenByDescending(d => d, StringComparer.Ordinal)
            .Select(d => Path.Combine(d, "runtimes", "linux-x64", "native"))
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "libtorch_cpu.so")));
    }
}
