using Oml.Optimization;
using static TorchSharp.torch;
using static TorchSharp.torch.optim.lr_scheduler;

namespace Oml.Registries;

/// <summary>
/// OML's <c>scheduling</c> config block:
/// <c>{scheduler: {name, args}, scheduler_interval: step | epoch, scheduler_frequency: n, monitor_metric: ...}</c>.
/// The interval defaults to <c>epoch</c> and the frequency to 1 (Lightning's defaults; OML requires both keys).
/// <c>monitor_metric</c> (e.g. <c>OVERALL/cmc/1</c>) is required for <c>reduce_on_plateau</c>, which steps with that
/// metric's value after each validation.
/// </summary>
public sealed class SchedulingConfig
{
    private SchedulingConfig(string path, ConfigBlock scheduler, SchedulerInterval interval, int frequency, string? monitorMetric)
    {
        Path = path;
        Scheduler = scheduler;
        Interval = interval;
        Frequency = frequency;
        MonitorMetric = monitorMetric;
    }

    /// <summary>Config path of the block (<c>scheduling</c>).</summary>
    public string Path { get; }

    /// <summary>The <c>scheduler</c> block: a name of <see cref="Registry.Schedulers"/> and its args.</summary>
    public ConfigBlock Scheduler { get; }

    public SchedulerInterval Interval { get; }

    /// <summary>Step the scheduler every <see cref="Frequency"/> intervals.</summary>
    public int Frequency { get; }

    /// <summary>The logged metric a plateau scheduler watches, or null.</summary>
    public string? MonitorMetric { get; }

    /// <summary>Reads the <c>scheduling</c> value: null (no scheduler) or the block above.</summary>
    public static SchedulingConfig? Parse(object? value, string path = "scheduling")
    {
        if (value is null) return null;
        if (value is not IReadOnlyDictionary<string, object?> mapping)
            throw BlockArgs.WrongType(path, value, "null or a mapping {scheduler: {name, args}, scheduler_interval, scheduler_frequency, monitor_metric}");
        var block = new BlockArgs(mapping, path);
        var rawScheduler = block.GetRaw("scheduler") ?? throw new OmlException(
            $"{path}.scheduler is required: a block {{name, args}}; valid names: {string.Join(", ", Registry.Schedulers.Names)}");
        var scheduler = ConfigBlock.Parse(rawScheduler, $"{path}.scheduler", "scheduler", Registry.Schedulers.Names);
        Registry.Schedulers.ThrowIfUnknown(scheduler.Name);
        var intervalText = block.GetString("scheduler_interval", "epoch");
        var interval = intervalText switch
        {
            "step" => SchedulerInterval.Step,
            "epoch" => SchedulerInterval.Epoch,
            _ => throw BlockArgs.WrongType($"{path}.scheduler_interval", intervalText, "step or epoch"),
        };
        var frequency = block.GetInt("scheduler_frequency", 1);
        if (frequency < 1) throw BlockArgs.WrongType($"{path}.scheduler_frequency", (long)frequency, "a positive integer");
        var monitor = block.GetNullableString("monitor_metric");
        block.EnsureAllKeysUsed("scheduling");
        if (scheduler.Name == "reduce_on_plateau" && string.IsNullOrWhiteSpace(monitor))
            throw MissingMonitor(path);
        return new SchedulingConfig(path, scheduler, interval, frequency, monitor);
    }

    /// <summary>Builds the scheduler on <paramref name="optimizer"/>; a plateau scheduler without monitor_metric is an error.</summary>
    public LRScheduler CreateScheduler(optim.Optimizer optimizer)
    {
        var scheduler = Registry.Schedulers.Create(Scheduler.Name, Scheduler.CreateArgs(), new SchedulerContext(optimizer));
        if (scheduler is impl.ReduceLROnPlateau && string.IsNullOrWhiteSpace(MonitorMetric)) throw MissingMonitor(Path);
        return scheduler;
    }

    private static OmlException MissingMonitor(string path) =>
        new($"{path}.monitor_metric is required for reduce_on_plateau: the metric it watches, e.g. OVERALL/cmc/1 (set scheduler args mode: max for metrics where higher is better)");
}
