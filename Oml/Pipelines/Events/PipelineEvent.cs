namespace Oml.Pipelines.Events;

/// <summary>
/// Something that happened in a pipeline run. One stream of these (<see cref="IProgress{T}"/>) feeds every front end:
/// the CLI's progress bar, the notebook's live view, a user's own observer. Front ends never reach into the loop.
/// </summary>
public abstract record PipelineEvent
{
    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed { get; init; }
}
