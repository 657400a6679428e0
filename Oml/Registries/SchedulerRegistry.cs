using Oml.Optimization;
using static TorchSharp.torch;
using static TorchSharp.torch.optim.lr_scheduler;

namespace Oml.Registries;

/// <summary>
/// The built-in learning-rate schedulers (<c>scheduling.scheduler: {name, args}</c>, OML's <c>SCHEDULERS_REGISTRY</c> =
/// torch.optim.lr_scheduler), with PyTorch's argument names and defaults (required where PyTorch has none):
/// <list type="bullet">
/// <item><c>step</c>: step_size (OML's block: 30), gamma 0.1.</item>
/// <item><c>multi_step</c>: milestones (OML's block: [30, 80]), gamma 0.1.</item>
/// <item><c>exponential</c>: gamma (OML's block: 0.5).</item>
/// <item><c>cosine_annealing</c>: T_max (OML's block: 10), eta_min 0.</item>
/// <item><c>cyclic</c>: base_lr, max_lr (numbers or one per group; OML's block: 0.1, 0.5), step_size_up 2000,
/// step_size_down null (= step_size_up), mode triangular | triangular2 | exp_range, gamma 1, scale_mode cycle | iterations,
/// cycle_momentum true, base_momentum 0.8, max_momentum 0.9 (cycle_momentum needs an optimizer with momentum).</item>
/// <item><c>one_cycle</c>: max_lr (OML's block: 0.1), total_steps (OML's block: 100) or epochs and steps_per_epoch,
/// pct_start 0.3, anneal_strategy cos | linear, cycle_momentum true, base_momentum 0.85, max_momentum 0.95, div_factor 25,
/// final_div_factor 1e4, three_phase false. Only for one parameter group (a criterion without parameters): TorchSharp 0.107's
/// OneCycleLR gives wrong rates with several groups, so that is an error.</item>
/// <item><c>reduce_on_plateau</c>: mode min | max, factor 0.1 (OML's block 0.75), patience 10 (OML's block 1),
/// threshold 1e-4, threshold_mode rel | abs, cooldown 0, min_lr 0 (number or one per group), eps 1e-8. Steps with the
/// value of <c>scheduling.monitor_metric</c>.</item>
/// <item><c>lambda</c>, <c>multiplicative</c>: lr_lambda, an <see cref="LrExpression"/> over epoch such as
/// <c>"0.95 ** epoch"</c> instead of OML's Python callable; default <c>1</c> (OML's block has no lr_lambda and fails in OML).</item>
/// </list>
/// Every scheduler also takes last_epoch (-1) and verbose (false).
/// </summary>
public static class SchedulerRegistry
{
    public static RegistryTable<SchedulerContext, LRScheduler> CreateDefault()
    {
        var table = new RegistryTable<SchedulerContext, LRScheduler>("scheduler");
        table["step"] = (args, c) =>
        {
            var stepSize = Positive(args, "step_size");
            return StepLR(c.Optimizer, stepSize, args.GetDouble("gamma", 0.1), LastEpoch(args), Verbose(args));
        };
        table["multi_step"] = (args, c) =>
        {
            var milestones = args.GetIntList("milestones", []);
            if (!args.Has("milestones")) throw Required(args, "milestones", "a list of epoch indices, e.g. [30, 80]");
            if (milestones.Zip(milestones.Skip(1)).Any(p => p.First >= p.Second))
                throw BlockArgs.WrongType($"{args.Path}.milestones", milestones.Cast<object?>().Select(m => (object?)(long)(int)m!).ToList(), "an increasing list of epoch indices");
            return MultiStepLR(c.Optimizer, milestones.ToList(), args.GetDouble("gamma", 0.1), LastEpoch(args), Verbose(args));
        };
        table["exponential"] = (args, c) => ExponentialLR(c.Optimizer, args.GetDouble("gamma"), LastEpoch(args), Verbose(args));
        table["cosine_annealing"] = (args, c) =>
        {
            var tMax = args.GetDouble("T_max");
            if (!(tMax > 0)) throw BlockArgs.WrongType($"{args.Path}.T_max", tMax, "a positive number of epochs/steps");
            return CosineAnnealingLR(c.Optimizer, tMax, args.GetDouble("eta_min", 0), LastEpoch(args), Verbose(args));
        };
        table["cyclic"] = (args, c) =>
        {
            var groups = c.Optimizer.ParamGroups.Count();
            var baseLr = PerGroup(args, "base_lr", groups) ?? throw Required(args, "base_lr", "a learning rate or one per parameter group");
            var maxLr = PerGroup(args, "max_lr", groups) ?? throw Required(args, "max_lr", "a learning rate or one per parameter group");
            var stepUp = args.GetInt("step_size_up", 2000);
            var stepDown = args.GetNullableInt("step_size_down") ?? -1;
            var modeText = args.GetString("mode", "triangular");
            var mode = modeText switch
            {
                "triangular" => impl.CyclicLR.Mode.Triangular,
                "triangular2" => impl.CyclicLR.Mode.Triangular2,
                "exp_range" => impl.CyclicLR.Mode.ExpRange,
                _ => throw BlockArgs.WrongType($"{args.Path}.mode", modeText, "one of triangular, triangular2, exp_range"),
            };
            var gamma = args.GetDouble("gamma", 1.0);
            if (args.GetRaw("scale_fn") is { } scaleFn)
                throw BlockArgs.WrongType($"{args.Path}.scale_fn", scaleFn, "null (a custom scale function is not supported; choose a mode)");
            var scaleText = args.GetString("scale_mode", "cycle");
            var scaleMode = scaleText switch
            {
                "cycle" => impl.CyclicLR.ScaleMode.Cycle,
                "iterations" => impl.CyclicLR.ScaleMode.Iterations,
                _ => throw BlockArgs.WrongType($"{args.Path}.scale_mode", scaleText, "cycle or iterations"),
            };
            var cycleMomentum = args.GetBool("cycle_momentum", true);
            var baseMomentum = PerGroup(args, "base_momentum", groups) ?? Repeat(0.8, groups);
            var maxMomentum = PerGroup(args, "max_momentum", groups) ?? Repeat(0.9, groups);
            return CyclicLR(c.Optimizer, baseLr, maxLr, stepUp, stepDown, mode, gamma, null, scaleMode, cycleMomentum,
                baseMomentum, maxMomentum, LastEpoch(args), Verbose(args));
        };
        table["one_cycle"] = (args, c) =>
        {
            var groups = c.Optimizer.ParamGroups.Count();
            if (groups > 1)
                throw new OmlException($"{args.Path}: one_cycle needs an optimizer with one parameter group, this one has {groups} (the criterion has parameters, e.g. arcface): TorchSharp 0.107's OneCycleLR advances the first group once per group on every step. Use cyclic or cosine_annealing instead");
            var maxLr = PerGroup(args, "max_lr", groups) ?? throw Required(args, "max_lr", "a learning rate or one per parameter group");
            var totalSteps = args.GetNullableInt("total_steps");
            var epochs = args.GetNullableInt("epochs");
            var stepsPerEpoch = args.GetNullableInt("steps_per_epoch");
            if (totalSteps is null && (epochs is null || stepsPerEpoch is null))
                throw new OmlException($"{args.Path} needs total_steps, or epochs and steps_per_epoch (the number of scheduler steps of the whole cycle)");
            var pctStart = args.GetDouble("pct_start", 0.3);
            var annealText = args.GetString("anneal_strategy", "cos");
            var anneal = annealText switch
            {
                "cos" => impl.OneCycleLR.AnnealStrategy.Cos,
                "linear" => impl.OneCycleLR.AnnealStrategy.Linear,
                _ => throw BlockArgs.WrongType($"{args.Path}.anneal_strategy", annealText, "cos or linear"),
            };
            var cycleMomentum = args.GetBool("cycle_momentum", true);
            var baseMomentum = PerGroup(args, "base_momentum", groups) ?? Repeat(0.85, groups);
            var maxMomentum = PerGroup(args, "max_momentum", groups) ?? Repeat(0.95, groups);
            var (divFactor, finalDivFactor, threePhase) = (args.GetDouble("div_factor", 25), args.GetDouble("final_div_factor", 1e4), args.GetBool("three_phase", false));
            if (maxLr.Distinct().Count() == 1 && baseMomentum.Distinct().Count() == 1 && maxMomentum.Distinct().Count() == 1)
            {
                return OneCycleLR(c.Optimizer, maxLr[0], totalSteps ?? -1, epochs ?? -1, stepsPerEpoch ?? -1, pctStart, anneal, cycleMomentum,
                    baseMomentum[0], maxMomentum[0], divFactor, finalDivFactor, threePhase, LastEpoch(args), Verbose(args));
            }
            return OneCycleLR(c.Optimizer, maxLr, totalSteps ?? -1, epochs ?? -1, stepsPerEpoch ?? -1, pctStart, anneal, cycleMomentum,
                baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase, LastEpoch(args), Verbose(args));
        };
        table["reduce_on_plateau"] = (args, c) =>
        {
            var groups = c.Optimizer.ParamGroups.Count();
            var mode = args.GetString("mode", "min");
            if (mode is not ("min" or "max")) throw BlockArgs.WrongType($"{args.Path}.mode", mode, "min or max");
            var factor = args.GetDouble("factor", 0.1);
            if (!(factor > 0 && factor < 1)) throw BlockArgs.WrongType($"{args.Path}.factor", factor, "a number with 0 < factor < 1");
            var patience = args.GetInt("patience", 10);
            var threshold = args.GetDouble("threshold", 1e-4);
            var thresholdMode = args.GetString("threshold_mode", "rel");
            if (thresholdMode is not ("rel" or "abs")) throw BlockArgs.WrongType($"{args.Path}.threshold_mode", thresholdMode, "rel or abs");
            var cooldown = args.GetInt("cooldown", 0);
            var minLr = PerGroup(args, "min_lr", groups) ?? Repeat(0, groups);
            var eps = args.GetDouble("eps", 1e-8);
            args.GetRaw("last_epoch");
            return ReduceLROnPlateau(c.Optimizer, mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps, Verbose(args));
        };
        table["lambda"] = (args, c) =>
        {
            var f = Lambda(args);
            return LambdaLR(c.Optimizer, epoch => f.Evaluate(epoch), LastEpoch(args), Verbose(args));
        };
        table["multiplicative"] = (args, c) =>
        {
            var f = Lambda(args);
            return MultiplicativeLR(c.Optimizer, epoch => f.Evaluate(epoch), LastEpoch(args), Verbose(args));
        };
        return table;
    }

    private static LrExpression Lambda(BlockArgs args) => LrExpression.Parse(args.GetString("lr_lambda", "1"), $"{args.Path}.lr_lambda");

    private static int LastEpoch(BlockArgs args) => args.GetInt("last_epoch", -1);

    private static bool Verbose(BlockArgs args) => args.GetBool("verbose", false);

    private static int Positive(BlockArgs args, string key)
    {
        var value = args.GetInt(key);
        return value >= 1 ? value : throw BlockArgs.WrongType($"{args.Path}.{key}", (long)value, "a positive integer");
    }

    private static double[] Repeat(double value, int count) => Enumerable.Repeat(value, count).ToArray();

    private static double[]? PerGroup(BlockArgs args, string key, int groups)
    {
        var values = args.GetNullableDoubleOrList(key);
        if (values is null) return null;
        if (values.Count == 1) return Repeat(values[0], groups);
        if (values.Count != groups)
            throw BlockArgs.WrongType($"{args.Path}.{key}", values.Select(v => (object?)v).ToList(), $"one number, or one per parameter group ({groups})");
        return values.ToArray();
    }

    private static OmlException Required(BlockArgs args, string key, string expected) => new($"{args.Path}.{key} is required: expected {expected}");
}
