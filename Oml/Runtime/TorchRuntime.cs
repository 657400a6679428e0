using System.Runtime.InteropServices;
using TorchSharp;

namespace Oml.Runtime;

/// <summary>
/// Process set-up for TorchSharp and a clear diagnosis when its native backend cannot load. Every entry point
/// (CLI, tests, kernel extension) calls <see cref="Configure"/> before the first tensor and then
/// <see cref="EnsureLoaded"/>, which turns TorchSharp's misleading "doesn't contain a reference to libtorch" into
/// a message that says why and how to fix it.
/// </summary>
public static class TorchRuntime
{
    private const int MallocMmapMax = -4;
    private const int MallocTrimThreshold = -1;
    private static readonly object Gate = new();
    private static bool _configured;
    private static bool _loaded;

    /// <summary>
    /// Keeps freed tensor memory in the process (glibc <c>mallopt</c>: on these VMs returning it to the kernel and
    /// faulting it back costs as much as the computation), optionally makes OpenMP threads sleep instead of spin
    /// when idle (for processes that share cores, such as parallel test classes), and sets the number of threads.
    /// Call before the first tensor; later calls only change the thread count.
    /// </summary>
    public static void Configure(int? threads = null, bool passiveOpenMpWait = false)
    {
        lock (Gate)
        {
            if (!_configured && OperatingSystem.IsLinux())
            {
                try
                {
                    if (passiveOpenMpWait) NativeMethods.setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
                    NativeMethods.mallopt(MallocMmapMax, 0);
                    NativeMethods.mallopt(MallocTrimThreshold, int.MaxValue);
                }
                catch (EntryPointNotFoundException)
                {
                    // not glibc (e.g. musl): nothing to tune
                }
                catch (DllNotFoundException)
                {
                }
            }
            _configured = true;
        }
        if (threads is > 0)
        {
            EnsureLoaded();
            torch.set_num_threads(threads.Value);
        }
    }

    /// <summary>Loads the native backend once; throws <see cref="OmlException"/> with a diagnosis if it cannot.</summary>
    public static void EnsureLoaded()
    {
        if (_loaded) return;
        lock (Gate)
        {
            if (_loaded) return;
            // TorchSharp prints its whole search trace to the console when loading fails; the diagnosis replaces it
            var (output, error) = (Console.Out, Console.Error);
            try
            {
                Console.SetOut(TextWriter.Null);
                Console.SetError(TextWriter.Null);
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (e is not OmlException)
            {
                Console.SetOut(output);
                Console.SetError(error);
                throw new OmlException(TorchLoadDiagnosis.Explain(e, AppContext.BaseDirectory), innerException: e);
            }
            finally
            {
                Console.SetOut(output);
                Console.SetError(error);
            }
            _loaded = true;
        }
    }

    /// <summary>One line for logs and <c>oml info</c>: versions, threads, devices.</summary>
    public static string Describe()
    {
        EnsureLoaded();
        var cuda = torch.cuda.is_available() ? $"CUDA available ({torch.cuda.device_count()} device(s))" : "CUDA not available";
        return $"TorchSharp {typeof(torch).Assembly.GetName().Version}, LibTorch {torch.__version__}, {torch.get_num_threads()} thread(s), {cuda}";
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "mallopt")]
        public static extern int mallopt(int param, int value);

        [DllImport("libc", EntryPoint = "setenv")]
        public static extern int setenv(string name, string value, int overwrite);
    }
}
