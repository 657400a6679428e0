using Oml.Registries;

namespace Oml.Pipelines;

/// <summary>OML's <c>scheduling</c> block: <c>{scheduler: {name, args}, scheduler_interval: step | epoch, scheduler_frequency, monitor_metric}</c>.</summary>
public sealed record SchedulingConfig(ConfigBlock Scheduler, SchedulerInterval Interval, int Frequency, string? MonitorMetric)
{
    public static SchedulingConfig? Read(BlockArgs root, string key)
    {
        var value = root.GetRaw(key);
        if (value is null) return null;
        var map = value as IReadOnlyDictionary<string, object?> ?? throw BlockArgs.WrongType(key, value,
            "a mapping {scheduler: {name, args}, scheduler_interval: step | epoch, scheduler_frequency: 1, monitor_metric: ...} or null");
        var args = new BlockArgs(map, key);
        var scheduler = args.GetRequiredBlock("scheduler", "{name: step, args: {step_size: 30}}");
        var intervalText = args.GetString("scheduler_interval", "step");
        var interval = intervalText switch
        {
            "step" => SchedulerInterval.Step,
            "epoch" => SchedulerInterval.Epoch,
            _ => throw new OmlException($"{key}.scheduler_interval = '{intervalText}' is not valid: expected step or epoch"),
        };
        var frequency = args.GetInt("scheduler_frequency", 1);
        if (frequency < 1) throw new OmlException($"{key}.scheduler_frequency = {frequency} is not valid: expected an integer >= 1");
        var monitor = args.GetNullableString("monitor_metric");
        args.EnsureAllKeysUsed(key);
        return new SchedulingConfig(scheduler, interval, frequency, monitor);
    }
}
