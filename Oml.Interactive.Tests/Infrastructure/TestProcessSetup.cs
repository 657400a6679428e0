using System.Runtime.CompilerServices;
using Oml.Runtime;

namespace Oml.Tests.Infrastructure;

internal static class TestProcessSetup
{
    /// <summary>
    /// xunit runs test classes in parallel on 2 cores: one OpenMP thread each, sleeping when idle, avoids the
    /// 3-4x slowdown of spinning threads fighting for the cores (torchsharp.md §3).
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize() => TorchRuntime.Configure(threads: 1, passiveOpenMpWait: true);
}
