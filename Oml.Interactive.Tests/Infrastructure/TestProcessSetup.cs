using System.Globalization;
using System.Runtime.CompilerServices;
using Oml.Runtime;

namespace Oml.Tests.Infrastructure;

internal static class TestProcessSetup
{
    /// <summary>
    /// xunit runs test classes in parallel on 2 cores: one OpenMP thread each, sleeping when idle, avoids the
    /// 3-4x slowdown of spinning threads fighting for the cores (docs/native-runtime.md §2).
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize()
    {
        // messages are asserted as written in English with invariant number formats, whatever the machine's locale
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        TorchRuntime.Configure(threads: 1, passiveOpenMpWait: true);
        // no test reaches the internet for a zoo key, nor do the oml processes they start: a download a test did not
        // point at its own server goes to a closed local port and fails at once
        Environment.SetEnvironmentVariable(Oml.Zoo.ZooSettings.UrlBaseVariable, "http://127.0.0.1:9");
    }
}
