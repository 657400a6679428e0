namespace Oml.Benchmarks;

/// <summary>Resident memory of this process from /proc/self/status: VmRSS (now) and VmHWM (peak so far).</summary>
internal static class ProcessMemory
{
    public static double RssMb() => Read("VmRSS:");

    public static double PeakRssMb() => Read("VmHWM:");

    /// <summary>Sets the peak (VmHWM) back to the current RSS (Linux 4.0+), so a later peak is that of what runs next; false when the kernel refuses.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static double Read(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
            var parts = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        }
        return double.NaN;
    }
}

/// <summary>
/// How busy the machine was apart from this process: all CPUs' busy time from /proc/stat (user, nice, system, irq,
/// softirq, steal) minus this process's own CPU time, per second of wall time, i.e. the cores other processes (or the
/// hypervisor) took while a case ran.
/// </summary>
internal readonly record struct CpuSnapshot(double MachineBusySeconds, double OwnSeconds, long Timestamp)
{
    private const double UserHz = 100.0; // USER_HZ, fixed at 100 on Linux

    public static CpuSnapshot Take()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal ...
        var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + (fields.Length > 7 ? fields[7] : 0);
        return new CpuSnapshot(busy / UserHz, System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    /// <summary>Average number of cores used by everything but this process since <paramref name="start"/>.</summary>
    public double OtherCoresSince(CpuSnapshot start)
    {
        var wall = System.Diagnostics.Stopwatch.GetElapsedTime(start.Timestamp, Timestamp).TotalSeconds;
        return Math.Max(0, (MachineBusySeconds - start.MachineBusySeconds) - (OwnSeconds - start.OwnSeconds)) / wall;
    }
}
