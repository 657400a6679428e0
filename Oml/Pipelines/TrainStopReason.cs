namespace Oml.Pipelines;

/// <summary>Why training ended.</summary>
public enum TrainStopReason
{
    /// <summary>All <c>max_epochs</c> ran.</summary>
    Completed,

    /// <summary>The caller cancelled (Ctrl+C, notebook interrupt); the last finished step is in the <c>last</c> checkpoint.</summary>
    Cancelled,

    /// <summary><c>lightning_trainer_extra_args.max_time</c> was reached.</summary>
    MaxTimeReached,
}
