namespace Oml.Optimization;

/// <summary>When a scheduler steps (<c>scheduling.scheduler_interval</c>): after every optimizer step or every epoch.</summary>
public enum SchedulerInterval
{
    Step,
    Epoch,
}
