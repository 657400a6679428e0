using Oml.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Registries;

/// <summary>
/// The built-in optimizers (<c>optimizer: {name, args}</c>, OML's <c>OPTIMIZERS_REGISTRY</c> = torch.optim), built
/// with OML's two parameter groups (extractor, criterion) that both start at <c>args.lr</c>. <c>lr</c> is required
/// (OML's block configs: 1e-5); the other args take PyTorch's names and defaults:
/// <list type="bullet">
/// <item><c>adam</c>, <c>adamw</c>: betas [0.9, 0.999], eps 1e-8, weight_decay 0 (adamw: 0.01), amsgrad false, maximize false.</item>
/// <item><c>sgd</c>: momentum 0, dampening 0, weight_decay 0, nesterov false, maximize false.</item>
/// <item><c>rmsprop</c>: alpha 0.99, eps 1e-8, weight_decay 0, momentum 0, centered false, maximize false.</item>
/// <item><c>adagrad</c>: lr_decay 0, weight_decay 0, initial_accumulator_value 0, eps 1e-10.</item>
/// <item><c>adadelta</c>: rho 0.9, eps 1e-6, weight_decay 0, maximize false.</item>
/// <item><c>adamax</c>: betas [0.9, 0.999], eps 1e-8, weight_decay 0.</item>
/// <item><c>asgd</c>: lambd 1e-4, alpha 0.75, t0 1e6, weight_decay 0, maximize false.</item>
/// <item><c>rprop</c>: etas [0.5, 1.2], step_sizes [1e-6, 50], maximize false.</item>
/// <item><c>lbfgs</c>: max_iter 20, max_eval null (= max_iter·5/4), tolerance_grad 1e-7, tolerance_change 1e-9,
/// history_size 100, line_search_fn null only. One parameter group (PyTorch's LBFGS takes no groups), and a step needs a closure.</item>
/// <item>beyond OML: <c>nadam</c> (betas, eps 1e-8, weight_decay 0, momentum_decay 4e-3), <c>radam</c> (betas, eps 1e-8, weight_decay 0).</item>
/// </list>
/// PyTorch's implementation switches (foreach, fused, capturable, differentiable) do not exist in TorchSharp and are errors.
/// </summary>
public static class OptimizerRegistry
{
    public static RegistryTable<OptimizerContext, TrainingOptimizer> CreateDefault()
    {
        var table = new RegistryTable<OptimizerContext, TrainingOptimizer>("optimizer");
        table["adam"] = (args, context) =>
        {
            var lr = Lr(args);
            var (b1, b2) = Betas(args);
            var (eps, wd, ams, max) = (args.GetDouble("eps", 1e-8), args.GetDouble("weight_decay", 0), args.GetBool("amsgrad", false), args.GetBool("maximize", false));
            return Build("adam", context, p => new Adam.ParamGroup(p, new Adam.Options { LearningRate = lr, InitialLearningRate = lr }),
                g => optim.Adam(g, lr, b1, b2, eps, wd, ams, max));
        };
        table["adamw"] = (args, context) =>
        {
            var lr = Lr(args);
            var (b1, b2) = Betas(args);
            var (eps, wd, ams, max) = (args.GetDouble("eps", 1e-8), args.GetDouble("weight_decay", 0.01), args.GetBool("amsgrad", false), args.GetBool("maximize", false));
            return Build("adamw", context, p => new AdamW.ParamGroup(p, new AdamW.Options { LearningRate = lr, InitialLearningRate = lr }),
                g => optim.AdamW(g, lr, b1, b2, eps, wd, ams, max));
        };
        table["sgd"] = (args, context) =>
        {
            var lr = Lr(args);
            var (momentum, dampening, wd, nesterov, max) = (args.GetDouble("momentum", 0), args.GetDouble("dampening", 0),
                args.GetDouble("weight_decay", 0), args.GetBool("nesterov", false), args.GetBool("maximize", false));
            if (nesterov && (momentum <= 0 || dampening != 0))
                throw new OmlException($"{args.Path}.nesterov = true needs momentum > 0 and dampening 0 (got momentum {momentum}, dampening {dampening})");
            return Build("sgd", context, p => new SGD.ParamGroup(p, new SGD.Options { LearningRate = lr, InitialLearningRate = lr }),
                g => optim.SGD(g, lr, momentum, dampening, wd, nesterov, max));
        };
        table["rmsprop"] = (args, context) =>
        {
            var lr = Lr(args);
            var (alpha, eps, wd, momentum, centered, max) = (args.GetDouble("alpha", 0.99), args.GetDouble("eps", 1e-8), args.GetDouble("weight_decay", 0),
                args.GetDouble("momentum", 0), args.GetBool("centered", false), args.GetBool("maximize", false));
            return Build("rmsprop", context, p => new RMSProp.ParamGroup(p, new RMSProp.Options { LearningRate = lr, InitialLearningRate = lr }),
                g => optim.RMSProp(g, lr, alpha, eps, wd, momentum, centered, max));
        };
        table["adagrad"] = (args, context) =>
        {
            var lr = Lr(args);
            var (lrDecay, wd, init, eps) = (args.GetDouble("lr_decay", 0), args.GetDouble("weight_decay", 0),
                args.GetDouble("initial_accumulator_value", 0), args.GetDouble("eps", 1e-10));
            return Build("adagrad", context, p => new Adagrad.ParamGroup(p, new Adagrad.Options { LearningRate = lr, InitialLearningRate = lr }),
                g => optim.Adagrad(g, lr, lrDecay, wd, init, eps));
        };
        table["adadelta"] = (args, context) =>
        {
            var lr = Lr(args);
            var (rho, eps, wd, max) = (args.GetDouble("rho", 0.9), args.GetDouble("eps", 1e-6), args.GetDouble("weight_decay", 0), args.GetBool("maximize", false));
            return Build("adadelta", context, p => new Adadelta.ParamGroup(p, new Adadelta.Options { LearningRate = lr, InitialLearningRate = lr }),
                g => optim.Adadelta(g, lr, rho, eps, wd, max));
        };
        table["adamax"] = (args, context) =>
        {
            var lr = Lr(args);
            var (b1, b2) = Betas(args);
            var (eps, wd) = (args.GetDouble("eps", 1e-8), args.GetDouble("weight_decay", 0));
            return Build("adamax", context, p => new Adamax.ParamGroup(p, new Adamax.Options { LearningRate = lr, InitialLearningRate = lr }),
                g => optim.Adamax(g, lr, b1, b2, eps, wd));
        };
        table["asgd"] = (args, context) =>
        {
            var lr = Lr(args);
            var (lambd, alpha, t0, wd, max) = (args.GetDouble("lambd", 1e-4), args.GetDouble("alpha", 0.75), args.GetDouble("t0", 1e6),
                args.GetDouble("weight_decay", 0), args.GetBool("maximize", false));
            return Build("asgd", context, p => new ASGD.ParamGroup(p, new ASGD.Options { LearningRate = lr, InitialLearningRate = lr }),
                g => optim.ASGD(g, lr, lambd, alpha, t0, wd, max));
        };
        table["rprop"] = (args, context) =>
        {
            var lr = Lr(args);
            var (etaMinus, etaPlus) = Pair(args, "etas", (0.5, 1.2), "[etaminus, etaplus] with 0 < etaminus < 1 < etaplus", e => e.A > 0 && e.A < 1 && e.B > 1);
            var (minStep, maxStep) = Pair(args, "step_sizes", (1e-6, 50), "[min_step, max_step] with 0 <= min_step <= max_step", s => s.A >= 0 && s.A <= s.B);
            var max = args.GetBool("maximize", false);
            return Build("rprop", context, p => new Rprop.ParamGroup(p, new Rprop.Options { LearningRate = lr, InitialLearningRate = lr }),
                g => optim.Rprop(g, lr, etaMinus, etaPlus, minStep, maxStep, max));
        };
        table["nadam"] = (args, context) =>
        {
            var lr = Lr(args);
            var (b1, b2) = Betas(args);
            var (eps, wd, decay) = (args.GetDouble("eps", 1e-8), args.GetDouble("weight_decay", 0), args.GetDouble("momentum_decay", 4e-3));
            return Build("nadam", context, p => new NAdam.ParamGroup(p, new NAdam.Options { LearningRate = lr, InitialLearningRate = lr }),
                g => optim.NAdam(g, lr, b1, b2, eps, wd, decay));
        };
        table["radam"] = (args, context) =>
        {
            var lr = Lr(args);
            var (b1, b2) = Betas(args);
            var (eps, wd) = (args.GetDouble("eps", 1e-8), args.GetDouble("weight_decay", 0));
            return Build("radam", context, p => new RAdam.ParamGroup(p, new RAdam.Options { LearningRate = lr, InitialLearningRate = lr }),
                g => optim.RAdam(g, lr, b1, b2, eps, wd));
        };
        table["lbfgs"] = (args, context) =>
        {
            var lr = Lr(args);
            var maxIter = args.GetInt("max_iter", 20);
            var maxEval = args.GetNullableInt("max_eval");
            var (tolGrad, tolChange, history) = (args.GetDouble("tolerance_grad", 1e-7), args.GetDouble("tolerance_change", 1e-9), args.GetInt("history_size", 100));
            if (args.GetNullableString("line_search_fn") is { } search)
                throw new OmlException($"{args.Path}.line_search_fn = '{search}' is not supported: TorchSharp's LBFGS has no line search; leave it null");
            var parameters = context.ExtractorParameters.Concat(context.CriterionParameters).ToArray();
            if (parameters.Length == 0) throw NoParameters("lbfgs");
            return new TrainingOptimizer("lbfgs", optim.LBFGS(parameters, lr, maxIter, maxEval, tolGrad, tolChange, history), ["all"], needsClosure: true);
        };
        return table;
    }

    /// <summary><c>args.lr</c>, required (OML reads it for both parameter groups).</summary>
    public static double Lr(BlockArgs args)
    {
        if (!args.Has("lr") || args.GetRaw("lr") is null)
            throw new OmlException($"{args.Path}.lr is required: the learning rate of the extractor and criterion parameter groups, e.g. lr: 1e-5");
        var lr = args.GetDouble("lr");
        if (!(lr >= 0) || double.IsInfinity(lr)) throw BlockArgs.WrongType($"{args.Path}.lr", lr, "a non-negative number");
        return lr;
    }

    private static (double, double) Betas(BlockArgs args) =>
        Pair(args, "betas", (0.9, 0.999), "[beta1, beta2] with 0 <= beta < 1", b => b.A >= 0 && b.A < 1 && b.B >= 0 && b.B < 1);

    private static (double, double) Pair(BlockArgs args, string key, (double, double) defaultValue, string expected, Func<(double A, double B), bool> valid)
    {
        var raw = args.GetRaw(key);
        if (raw is null) return defaultValue;
        var values = args.GetDoubleList(key, []);
        if (values.Count != 2 || !valid((values[0], values[1]))) throw BlockArgs.WrongType($"{args.Path}.{key}", raw, expected);
        return (values[0], values[1]);
    }

    private static TrainingOptimizer Build<TGroup>(string name, OptimizerContext context, Func<IEnumerable<Parameter>, TGroup> group,
        Func<IEnumerable<TGroup>, optim.Optimizer> create)
    {
        var groups = new List<TGroup>();
        var names = new List<string>();
        foreach (var (groupName, parameters) in new[] { ("extractor", context.ExtractorParameters), ("criterion", context.CriterionParameters) })
        {
            var list = parameters.ToArray();
            if (list.Length == 0) continue;
            groups.Add(group(list));
            names.Add(groupName);
        }
        if (groups.Count == 0) throw NoParameters(name);
        return new TrainingOptimizer(name, create(groups), names);
    }

    private static OmlException NoParameters(string name) =>
        new($"optimizer '{name}' got no parameters: neither the extractor nor the criterion has trainable parameters");
}
