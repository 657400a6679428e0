using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Oml.Runtime;

/// <summary>Works out why TorchSharp's native library did not load and says how to fix it.</summary>
public static partial class TorchLoadDiagnosis
{
    public const string NativeLibraryName = "libLibTorchSharp.so";
    public const string NewGlibcxx = "GLIBCXX_3.4.32";

    public static string Explain(Exception error, string applicationFolder)
    {
        if (!OperatingSystem.IsLinux())
        {
            return $"TorchSharp's native backend did not load: {error.Message}. The executable must reference a backend package " +
                   "(TorchSharp-cpu, or TorchSharp-cuda-windows for a GPU).";
        }
        var library = FindNativeLibrary(applicationFolder);
        if (library is null)
        {
            return "TorchSharp's native backend is not in this application (no libLibTorchSharp.so next to it). " +
                   "An executable that uses Oml must reference a backend package: add " +
                   "<PackageReference Include=\"libtorch-cpu-linux-x64\" Version=\"2.10.0\" /> (CPU) or TorchSharp-cuda-linux 0.107.0 (GPU), " +
                   "with <RuntimeIdentifier>linux-x64</RuntimeIdentifier>.";
        }
        var needs = ElfVersionNeeds.Read(library);
        var strictNew = needs.Any(n => n.Version == NewGlibcxx && !n.IsWeak);
        var available = HighestGlibcxx(FindLoadedLibstdcxx());
        if (strictNew && available is not null && CompareGlibcxx(available, NewGlibcxx) < 0)
        {
            return ForOldLibstdcxx(library, available);
        }
        var reason = TryLoad(library);
        return $"TorchSharp's native backend {library} did not load: {reason ?? error.Message}. " +
               $"Check with: LD_LIBRARY_PATH={Path.GetDirectoryName(library)} ldd {library}";
    }

    /// <summary>The message for Debian 12 and other systems whose libstdc++ is older than GCC 13's.</summary>
    public static string ForOldLibstdcxx(string library, string availableGlibcxx) =>
        $"TorchSharp 0.107's {library} requires {NewGlibcxx} (GCC 13), but this system's libstdc++ stops at {availableGlibcxx} " +
        "(Debian 12 has GLIBCXX_3.4.30). The requirement comes from one marker symbol that is never called, so it is safe to mark it weak: " +
        "build through this repository (its build/TorchSharpGlibcxxFix.targets does that in the build output; `dotnet build` prints " +
        "'Marked GLIBCXX_3.4.32 as weak'), or, for your own project, import that .targets file. TorchSharp's own message " +
        "\"doesn't contain a reference to libtorch\" is misleading here.";

    /// <summary>Orders "GLIBCXX_3.4.30" style names by their numbers.</summary>
    public static int CompareGlibcxx(string a, string b)
    {
        var pa = ParseVersion(a);
        var pb = ParseVersion(b);
        for (var i = 0; i < Math.Max(pa.Length, pb.Length); i++)
        {
            var c = (i < pa.Length ? pa[i] : 0).CompareTo(i < pb.Length ? pb[i] : 0);
            if (c != 0) return c;
        }
        return 0;
    }

    /// <summary>The highest GLIBCXX_x.y.z version a libstdc++ file defines, or null.</summary>
    public static string? HighestGlibcxx(string? libstdcxxPath)
    {
        if (libstdcxxPath is null || !File.Exists(libstdcxxPath)) return null;
        var text = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(libstdcxxPath));
        return GlibcxxName().Matches(text).Select(m => m.Value).Distinct().OrderBy(v => v, Comparer<string>.Create(CompareGlibcxx)).LastOrDefault();
    }

    private static string? FindNativeLibrary(string applicationFolder)
    {
        string[] candidates =
        [
            Path.Combine(applicationFolder, NativeLibraryName),
            Path.Combine(applicationFolder, "runtimes", "linux-x64", "native", NativeLibraryName),
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    private static string? FindLoadedLibstdcxx()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var at = line.IndexOf('/');
                if (at >= 0 && line.Contains("libstdc++.so")) return line[at..].Trim();
            }
        }
        catch (IOException)
        {
        }
        return File.Exists("/usr/lib/x86_64-linux-gnu/libstdc++.so.6") ? "/usr/lib/x86_64-linux-gnu/libstdc++.so.6" : null;
    }

    private static string? TryLoad(string library)
    {
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(library));
            return null;
        }
        catch (DllNotFoundException e)
        {
            return e.Message;
        }
    }

    private static int[] ParseVersion(string name) =>
        name[(name.IndexOf('_') + 1)..].Split('.').Select(p => int.TryParse(p, out var v) ? v : 0).ToArray();

    [GeneratedRegex(@"GLIBCXX_\d+\.\d+(\.\d+)?")]
    private static partial Regex GlibcxxName();
}
