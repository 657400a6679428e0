namespace Oml.Pipelines;

/// <summary>Whether a larger (<c>max</c>) or smaller (<c>min</c>) <c>metric_for_checkpointing</c> is better.</summary>
public enum CheckpointMode
{
    Max,
    Min,
}
