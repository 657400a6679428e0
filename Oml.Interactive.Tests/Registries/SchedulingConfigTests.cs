using Oml.Optimization;
using Oml.Registries;
using static Oml.Tests.Registries.OmlBlockFixtures;

namespace Oml.Tests.Registries;

public sealed class SchedulingConfigTests
{
    [Fact]
    public void ParsesOmlsSchedulingBlock()
    {
        Assert.Null(SchedulingConfig.Parse(null));
        var config = SchedulingConfig.Parse(Map(
            ("scheduler", Map(("name", "step"), ("args", Map(("step_size", 2L), ("gamma", 0.1))))),
            ("scheduler_interval", "step"), ("scheduler_frequency", 3L)))!;
        Assert.Equal(("step", SchedulerInterval.Step, 3, (string?)null), (config.Scheduler.Name, config.Interval, config.Frequency, config.MonitorMetric));
        using var optimizer = Registry.Optimizers.Create("sgd", BlockArgs.From("optimizer.args", ("lr", 1.0)), OptimizerRegistryTests.TwoGroups(out _, out _));
        var scheduler = config.CreateScheduler(optimizer.Optimizer);
        scheduler.step();
        scheduler.step();
        Assert.Equal(0.1, optimizer.LearningRates[0], 9);

        var defaults = SchedulingConfig.Parse(Map(("scheduler", Block("scheduler", "reduce_on_plateau")), ("monitor_metric", "OVERALL/cmc/1")))!;
        Assert.Equal((SchedulerInterval.Epoch, 1, "OVERALL/cmc/1"), (defaults.Interval, defaults.Frequency, defaults.MonitorMetric));
    }

    [Fact]
    public void InvalidBlocksAreUserErrors()
    {
        var noMonitor = Assert.Throws<OmlException>(() => SchedulingConfig.Parse(Map(("scheduler", Block("scheduler", "reduce_on_plateau")))));
        Assert.StartsWith("scheduling.monitor_metric is required for reduce_on_plateau", noMonitor.Message);
        var interval = Assert.Throws<OmlException>(() => SchedulingConfig.Parse(Map(("scheduler", Block("scheduler", "step")), ("scheduler_interval", "batch"))));
        Assert.Equal("scheduling.scheduler_interval = 'batch' is not valid: expected step or epoch", interval.Message);
        var unknownName = Assert.Throws<OmlException>(() => SchedulingConfig.Parse(Map(("scheduler", Map(("name", "cosine"))))));
        Assert.Contains("Unknown scheduler 'cosine'", unknownName.Message);
        var unknownKey = Assert.Throws<OmlException>(() => SchedulingConfig.Parse(Map(("scheduler", Block("scheduler", "step")), ("interval", "step"))));
        Assert.Contains("'scheduling' does not take 'interval' at scheduling", unknownKey.Message);
        var missing = Assert.Throws<OmlException>(() => SchedulingConfig.Parse(Map(("scheduler_interval", "step"))));
        Assert.StartsWith("scheduling.scheduler is required", missing.Message);
    }
}
