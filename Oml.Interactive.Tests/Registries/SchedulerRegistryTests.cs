using Oml.Optimization;
using Oml.Registries;
using static Oml.Tests.Registries.OmlBlockFixtures;

namespace Oml.Tests.Registries;

public sealed class SchedulerRegistryTests
{
    private static TrainingOptimizer Sgd(double lr, double momentum = 0.9) =>
        Registry.Optimizers.Create("sgd", BlockArgs.From("optimizer.args", ("lr", lr), ("momentum", momentum)),
            OptimizerRegistryTests.TwoGroups(out _, out _));

    private static TrainingOptimizer OneGroupSgd() =>
        Registry.Optimizers.Create("sgd", BlockArgs.From("optimizer.args", ("lr", 0.1), ("momentum", 0.9)),
            new OptimizerContext(TorchSharp.torch.nn.Linear(3, 2).parameters(), []));

    private static double[] Lrs(string name, double lr, int steps, params (string Key, object? Value)[] args)
    {
        using var optimizer = Sgd(lr);
        var scheduler = Registry.Schedulers.Create(name, BlockArgs.From("scheduling.scheduler.args", args), new SchedulerContext(optimizer.Optimizer));
        var lrs = new List<double> { optimizer.LearningRates[0] };
        for (var i = 0; i < steps; i++)
        {
            optimizer.Step();
            scheduler.step();
            lrs.Add(optimizer.LearningRates[0]);
            Assert.Equal(optimizer.LearningRates[0], optimizer.LearningRates[1]);
        }
        return lrs.ToArray();
    }

    private static void Near(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-9, $"at {i}: expected {expected[i]}, got {actual[i]} in [{string.Join(", ", actual)}]");
    }

    [Fact]
    public void EveryOmlDefaultBlockBuilds()
    {
        Assert.Equal(Names("scheduler"), SchedulerRegistry.CreateDefault().Names);
        foreach (var name in Names("scheduler"))
        {
            using var optimizer = name == "one_cycle" ? OneGroupSgd() : Sgd(0.1);
            Assert.NotNull(Registry.Schedulers.Create(Block("scheduler", name), "scheduling.scheduler", new SchedulerContext(optimizer.Optimizer)));
        }
    }

    [Fact]
    public void SchedulersChangeTheLrAsPyTorchDoes()
    {
        Near([1, 1, 0.1, 0.1, 0.01, 0.01], Lrs("step", 1, 5, ("step_size", 2L), ("gamma", 0.1)));
        Near([1, 0.5, 0.25, 0.125], Lrs("exponential", 1, 3, ("gamma", 0.5)));
        Near([1, 1, 0.5, 0.5, 0.25], Lrs("multi_step", 1, 4, ("milestones", new List<object?> { 2L, 4L }), ("gamma", 0.5)));
        Near([1, 0.5, 0, 0.5, 1], Lrs("cosine_annealing", 1, 4, ("T_max", 2L)));
        Near([1, 0.95, 0.9025, Math.Pow(0.95, 3)], Lrs("lambda", 1, 3, ("lr_lambda", "0.95 ** epoch")));
        Near([1, 0.5, 0.25], Lrs("multiplicative", 1, 2, ("lr_lambda", "0.5")));
        Near([0.1, 0.3, 0.5, 0.3, 0.1], Lrs("cyclic", 1, 4, ("base_lr", 0.1), ("max_lr", 0.5), ("step_size_up", 2L)));
    }

    [Fact]
    public void OneCycleRunsOnOneParameterGroupAndRefusesTwo()
    {
        using var extractor = TorchSharp.torch.nn.Linear(3, 2);
        using var optimizer = Registry.Optimizers.Create("sgd", BlockArgs.From("optimizer.args", ("lr", 1.0), ("momentum", 0.9)),
            new OptimizerContext(extractor.parameters(), []));
        var scheduler = Registry.Schedulers.Create("one_cycle", BlockArgs.From("scheduling.scheduler.args", ("max_lr", 1.0), ("total_steps", 10L)),
            new SchedulerContext(optimizer.Optimizer));
        var lrs = new List<double> { optimizer.LearningRates[0] };
        for (var i = 0; i < 10; i++)
        {
            optimizer.Step();
            scheduler.step();
            lrs.Add(optimizer.LearningRates[0]);
        }
        // PyTorch: 1/25 at the start, the peak at step pct_start·10 − 1 = 2, then cosine down to 1/25/1e4
        Near([0.04, 0.52, 1, 0.9504846320134737, 0.8117456539497631, 0.6112620219362893, 0.38874197806371075, 0.18825834605023697, 0.049519367986526286, 4e-6], lrs.Take(10).ToArray());

        using var twoGroups = Sgd(1);
        var e = Assert.Throws<OmlException>(() => Registry.Schedulers.Create("one_cycle",
            BlockArgs.From("scheduling.scheduler.args", ("max_lr", 1.0), ("total_steps", 10L)), new SchedulerContext(twoGroups.Optimizer)));
        Assert.Contains("one_cycle needs an optimizer with one parameter group, this one has 2", e.Message);
    }

    [Fact]
    public void ReduceOnPlateauStepsWithTheMetric()
    {
        using var optimizer = Sgd(1);
        var scheduler = Registry.Schedulers.Create(Block("scheduler", "reduce_on_plateau"), "scheduling.scheduler", new SchedulerContext(optimizer.Optimizer));
        var lrs = new List<double>();
        foreach (var metric in new[] { 1.0, 0.5, 0.6, 0.7, 0.8, 0.9 })
        {
            scheduler.step(metric, null);
            lrs.Add(optimizer.LearningRates[0]);
        }
        Near([1, 1, 1, 0.75, 0.75, 0.5625], lrs.ToArray()); // factor 0.75, patience 1, mode min
    }

    [Fact]
    public void ArgsAreChecked()
    {
        using var optimizer = Sgd(1);
        var context = new SchedulerContext(optimizer.Optimizer);
        var missing = Assert.Throws<OmlException>(() => Registry.Schedulers.Create("step", BlockArgs.Empty("scheduling.scheduler.args"), context));
        Assert.Equal("scheduling.scheduler.args.step_size is required: expected an integer", missing.Message);
        var unknown = Assert.Throws<OmlException>(() => Registry.Schedulers.Create("exponential",
            BlockArgs.From("scheduling.scheduler.args", ("gamma", 0.5), ("gama", 0.5)), context));
        Assert.Contains("'exponential' does not take 'gama' at scheduling.scheduler.args; valid keys: gamma, last_epoch, verbose", unknown.Message);
        var lambda = Assert.Throws<OmlException>(() => Registry.Schedulers.Create("lambda",
            BlockArgs.From("scheduling.scheduler.args", ("lr_lambda", "0.95 ^ epoch")), context));
        Assert.StartsWith("scheduling.scheduler.args.lr_lambda = '0.95 ^ epoch' is not a valid expression: unexpected '^' at character 6", lambda.Message);
        using var oneGroup = OneGroupSgd();
        var oneCycle = Assert.Throws<OmlException>(() => Registry.Schedulers.Create("one_cycle",
            BlockArgs.From("scheduling.scheduler.args", ("max_lr", 0.1)), new SchedulerContext(oneGroup.Optimizer)));
        Assert.Contains("needs total_steps, or epochs and steps_per_epoch", oneCycle.Message);
        var perGroup = Assert.Throws<OmlException>(() => Registry.Schedulers.Create("cyclic",
            BlockArgs.From("scheduling.scheduler.args", ("base_lr", new List<object?> { 0.1, 0.2, 0.3 }), ("max_lr", 1.0)), context));
        Assert.Equal("scheduling.scheduler.args.base_lr = [0.1, 0.2, 0.3] is not valid: expected one number, or one per parameter group (2)", perGroup.Message);
    }
}
