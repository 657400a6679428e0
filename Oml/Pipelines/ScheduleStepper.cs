using Oml.Optimization;
using Oml.Registries;
using Oml.Training;
using static TorchSharp.torch;
using static TorchSharp.torch.optim.lr_scheduler;

namespace Oml.Pipelines;

/// <summary>
/// Steps the learning-rate scheduler as the <c>scheduling</c> block says (every <c>scheduler_frequency</c> steps or
/// epochs; <c>reduce_on_plateau</c> after each validation with <c>monitor_metric</c>), and counts what it did so a
/// resumed run can replay it: TorchSharp schedulers have no state to save.
/// </summary>
internal sealed class ScheduleStepper : IDisposable
{
    private readonly SchedulingConfig _config;
    private readonly LRScheduler _scheduler;
    private readonly bool _plateau;
    private readonly List<double> _plateauValues = [];

    public ScheduleStepper(SchedulingConfig config, optim.Optimizer optimizer)
    {
        _config = config;
        _scheduler = config.CreateScheduler(optimizer);
        _plateau = _scheduler is impl.ReduceLROnPlateau;
    }

    /// <summary>How many times the scheduler stepped without a metric.</summary>
    public int Steps { get; private set; }

    /// <summary>The monitored values given to a plateau scheduler, in order.</summary>
    public IReadOnlyList<double> PlateauValues => _plateauValues;

    public void AfterStep(long globalStep)
    {
        if (!_plateau && _config.Interval == SchedulerInterval.Step && globalStep % _config.Frequency == 0) Step();
    }

    public void AfterEpoch(int epochsCompleted)
    {
        if (!_plateau && _config.Interval == SchedulerInterval.Epoch && epochsCompleted % _config.Frequency == 0) Step();
    }

    public void AfterValidation(double monitored)
    {
        if (!_plateau) return;
        _scheduler.step(monitored, null);
        _plateauValues.Add(monitored);
    }

    /// <summary>Brings a fresh scheduler to where the checkpointed one was (the optimizer's learning rates are loaded afterwards).</summary>
    public void Replay(CheckpointState state)
    {
        for (var i = 0; i < state.SchedulerSteps; i++) Step();
        foreach (var value in state.PlateauValues) AfterValidation(value);
    }

    private void Step()
    {
        _scheduler.step();
        Steps++;
    }

    public void Dispose()
    {
    }
}
