namespace Oml.Pipelines;

/// <summary>When the learning-rate scheduler steps: after every optimizer step or after every epoch.</summary>
public enum SchedulerInterval
{
    Step,
    Epoch,
}
