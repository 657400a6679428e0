namespace Oml.Pipelines.Events;

/// <summary>The run ended: <c>Result.StopReason</c> says whether all epochs ran, it was stopped, or max_time was reached.</summary>
public sealed record RunCompleted(TrainRunResult Result) : PipelineEvent;
