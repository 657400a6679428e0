using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Optimization;

/// <summary>
/// A TorchSharp optimizer built from the <c>optimizer</c> config block, with what a training loop needs: the
/// learning rate of each parameter group (named <c>extractor</c> / <c>criterion</c>, empty groups left out),
/// stepping (with a loss closure for <c>lbfgs</c>) and saving / loading the optimizer state.
/// </summary>
public sealed class TrainingOptimizer : IDisposable
{
    public TrainingOptimizer(string name, optim.Optimizer optimizer, IReadOnlyList<string> groupNames, bool needsClosure = false)
    {
        Name = name;
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        GroupNames = groupNames;
        NeedsClosure = needsClosure;
    }

    /// <summary>The registry name it was built from (<c>adam</c>, <c>sgd</c>, ...).</summary>
    public string Name { get; }

    /// <summary>The TorchSharp optimizer, e.g. to hand to an <c>lr_scheduler</c>.</summary>
    public optim.Optimizer Optimizer { get; }

    /// <summary>One name per parameter group, in group order: <c>extractor</c>, <c>criterion</c> (or <c>all</c> for lbfgs).</summary>
    public IReadOnlyList<string> GroupNames { get; }

    /// <summary>True for optimizers whose <see cref="Step(Func{Tensor})"/> must re-evaluate the loss (lbfgs).</summary>
    public bool NeedsClosure { get; }

    /// <summary>The current learning rate of every parameter group, in group order.</summary>
    public IReadOnlyList<double> LearningRates => Optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();

    /// <summary>Sets the learning rate of every parameter group.</summary>
    public void SetLearningRate(double lr)
    {
        foreach (var group in Optimizer.ParamGroups) group.LearningRate = lr;
    }

    /// <summary>Sets the learning rate of parameter group <paramref name="group"/> (see <see cref="GroupNames"/>).</summary>
    public void SetLearningRate(int group, double lr)
    {
        var groups = Optimizer.ParamGroups.ToArray();
        if (group < 0 || group >= groups.Length)
            throw new ArgumentOutOfRangeException(nameof(group), group, $"the optimizer has {groups.Length} parameter groups: {string.Join(", ", GroupNames)}");
        groups[group].LearningRate = lr;
    }

    public void ZeroGrad() => Optimizer.zero_grad();

    /// <summary>One update from the gradients already computed.</summary>
    public void Step()
    {
        if (NeedsClosure) throw new InvalidOperationException($"optimizer '{Name}' re-evaluates the loss: call Step(closure)");
        Optimizer.step();
    }

    /// <summary>One update; <paramref name="closure"/> zeroes the gradients, computes the loss, calls backward and returns it.</summary>
    public Tensor Step(Func<Tensor> closure) => Optimizer.step(closure);

    /// <summary>Whether <see cref="SaveState"/> / <see cref="LoadState"/> work (all but lbfgs, which TorchSharp keeps in native code).</summary>
    public bool CanSaveState => Optimizer is OptimizerHelper;

    /// <summary>Writes the optimizer state (moments, step counts, per-group options) to <paramref name="path"/> (TorchSharp's format).</summary>
    public void SaveState(string path) => StateOwner().save_state_dict(path);

    /// <summary>Reads a state written by <see cref="SaveState"/> for an optimizer of the same kind and parameter shapes.</summary>
    public void LoadState(string path) => StateOwner().load_state_dict(path);

    private OptimizerHelper StateOwner() => Optimizer as OptimizerHelper
        ?? throw new NotSupportedException($"optimizer '{Name}' cannot save or load its state in TorchSharp");

    public void Dispose() => Optimizer.Dispose();
}
