using System.Runtime.InteropServices;

namespace Oml.Benchmarks;

/// <summary>glibc malloc tuning from docs/native-runtime.md §1: never hand freed memory back to the kernel, so
/// large buffers are not page-faulted back in on every use. Call first thing in Main.</summary>
internal static partial class NativeAllocator
{
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_MAX = -4;

    public static void KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            mallopt(M_MMAP_MAX, 0);
            mallopt(M_TRIM_THRESHOLD, int.MaxValue);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc (e.g. musl): keep the default allocator
        }
    }

    [LibraryImport("libc")]
    private static partial int mallopt(int param, int value);
}
