using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Oml.Benchmarks;

/// <summary>What the training benchmarks share: child processes with a chosen allocator, quiet-machine waits, medians.</summary>
internal static partial class BenchUtil
{
    public const string Python = "/usr/bin/python3";
    public const string Tcmalloc = "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4";
    public const double QuietCores = 0.25;

    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Runs a training child with <paramref name="threads"/> OpenMP threads and the allocator: see <see cref="RunChild{T}(string, IEnumerable{string}, Action{IDictionary{string, string}})"/>.</summary>
    public static T RunChild<T>(string file, IEnumerable<string> arguments, int threads, string allocator) =>
        RunChild<T>(file, arguments, environment =>
        {
            environment["OMP_NUM_THREADS"] = Str(threads);
            environment["OPENBLAS_NUM_THREADS"] = "1"; // docs/native-runtime.md §3: otherwise OpenBLAS adds its own threads
            environment["MKL_NUM_THREADS"] = Str(threads);
            if (allocator == "tcmalloc") environment["LD_PRELOAD"] = Tcmalloc;
            else environment.Remove("LD_PRELOAD");
        });

    /// <summary>
    /// Runs a child in the environment <paramref name="setEnvironment"/> makes of this one, echoes its output indented,
    /// returns the JSON after its <c>RESULT </c> line.
    /// </summary>
    public static T RunChild<T>(string file, IEnumerable<string> arguments, Action<IDictionary<string, string?>> setEnvironment)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        setEnvironment(start.Environment);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        T? result = default;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith("RESULT ", StringComparison.Ordinal)) result = JsonSerializer.Deserialize<T>(line[7..], Json);
            else Console.WriteLine("    " + line);
        }
        process.WaitForExit();
        if (process.ExitCode != 0 || result is null) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed (exit code {process.ExitCode})");
        return result;
    }

    /// <summary>tcmalloc when it is installed and not refused, else glibc malloc.</summary>
    public static string ChooseAllocator(string? requested)
    {
        if (requested is "glibc") return "glibc";
        if (File.Exists(Tcmalloc)) return "tcmalloc";
        if (requested is "tcmalloc") throw new InvalidOperationException($"{Tcmalloc} is missing: apt-get install libtcmalloc-minimal4, or pass --allocator glibc");
        return "glibc";
    }

    /// <summary>The allocator actually mapped into this process: tcmalloc when its library is loaded, else glibc (with the mallopt tuning in the C# processes).</summary>
    public static string AllocatorInUse() =>
        File.ReadLines("/proc/self/maps").Any(l => l.Contains("tcmalloc", StringComparison.Ordinal)) ? "tcmalloc" : "glibc";

    /// <summary>
    /// Waits (at most <paramref name="maxSeconds"/>) until other processes used less than <see cref="QuietCores"/> cores
    /// over 2 s, so builds or tests of other work are less likely to overlap a measurement; returns the seconds waited.
    /// </summary>
    public static double WaitForQuiet(double maxSeconds = 30)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < maxSeconds)
        {
            var start = CpuSnapshot.Take();
            Thread.Sleep(2000);
            if (CpuSnapshot.Take().OtherCoresSince(start) < QuietCores) break;
        }
        return watch.Elapsed.TotalSeconds - 2;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The system's load average (<c>/proc/loadavg</c>), for the reports.</summary>
    /// <summary>"mean ± sample standard deviation" (the mean alone for one value); <paramref name="signed"/> writes a + before gains.</summary>
    public static string MeanSpread(IReadOnlyList<double> values, bool signed = false)
    {
        var mean = values.Average();
        var format = signed ? "+0.000;-0.000;0.000" : "0.000";
        if (values.Count == 1) return mean.ToString(format, CultureInfo.InvariantCulture);
        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return $"{mean.ToString(format, CultureInfo.InvariantCulture)} ± {sd.ToString("0.000", CultureInfo.InvariantCulture)}";
    }

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();

    public static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An interpolated string formatted with the invariant culture.</summary>
    public static string Str(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    public static string SelfPath() => Environment.ProcessPath ?? "dotnet";

    // Under `dotnet Oml.Benchmarks.dll` the host needs the assembly again; the apphost does not.
    public static string[] SelfArgs() =>
        Path.GetFileNameWithoutExtension(SelfPath()) == "dotnet" ? [Assembly.GetEntryAssembly()!.Location] : [];

    public static string MachineDescription()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo").First().Split(':')[1].Trim();
        return $"{cpu}, {Environment.ProcessorCount} logical cores, MemTotal {memory}, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
    }

    public static string PackageVersions(params string[] packages)
    {
        var parts = new List<string>();
        foreach (var p in packages)
        {
            var start = new ProcessStartInfo("dpkg-query") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-W", "-f=${Version}", p }) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            parts.Add($"{p} {(process.ExitCode == 0 ? output.Trim() : "not installed")}");
        }
        return string.Join(", ", parts);
    }

    /// <summary>
    /// Makes sure the Debian <paramref name="packages"/> of a Python reference are installed (as root: <c>apt-get
    /// install</c> when one is missing; otherwise an error that says what to install or that <paramref name="skipOption"/>
    /// skips the reference) and that libblas.so.3 is OpenBLAS, not netlib's reference BLAS (docs/native-runtime.md §5).
    /// Returns a sentence for the report: the package versions and where libblas.so.3 points.
    /// </summary>
    public static string EnsureDebianPython(IReadOnlyList<string> packages, string skipOption)
    {
        var missing = packages.Where(p => !Capture("dpkg-query", "-W", "-f=${Status}", p).Contains("install ok installed", StringComparison.Ordinal)).ToArray();
        var action = "were already installed";
        if (missing.Length > 0)
        {
            if (geteuid() != 0)
            {
                throw new InvalidOperationException($"the Python reference needs {string.Join(", ", missing)}: run `sudo apt-get install -y {string.Join(' ', packages)}` or pass {skipOption}");
            }
            Console.Error.WriteLine($"installing {string.Join(", ", missing)} ...");
            Check("apt-get", "update", "-q");
            Check("apt-get", ["-o", "DPkg::Lock::Timeout=600", "install", "-y", .. packages]);
            action = $"were installed by this run ({string.Join(", ", missing)} missing)";
        }
        var versions = string.Join(", ", packages.Select(p => $"{p} {Capture("dpkg-query", "-W", "-f=${Version}", p).Trim()}"));
        var blas = Blas();
        if (!blas.Contains("openblas", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"libblas.so.3 resolves to {blas}, not OpenBLAS: the reference would run on netlib's reference BLAS (see docs/native-runtime.md §5)");
        }
        return $"Debian packages {versions} {action} (checked by the benchmark, `apt-get install` when missing); libblas.so.3 resolves to `{blas}`";
    }

    /// <summary>The standard output of a short command (its standard error is read and dropped).</summary>
    public static string Capture(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    /// <summary>Runs a command with this console; a non-zero exit code is an error.</summary>
    public static void Check(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}");
    }

    [LibraryImport("libc")]
    private static partial uint geteuid();

    public static string Blas() =>
        new FileInfo("/usr/lib/x86_64-linux-gnu/libblas.so.3").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "?";

    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Oml.Interactive.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
