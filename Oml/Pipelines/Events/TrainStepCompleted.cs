namespace Oml.Pipelines.Events;

/// <summary>
/// One optimizer step. <see cref="Logs"/> are the criterion's <c>last_logs</c> (e.g. <c>active_tri</c>, <c>pos_dist</c>);
/// <see cref="DataWaitSeconds"/> is how long the step waited for its batch. <see cref="LiveTensors"/> (TorchSharp tensors
/// alive on the training thread), <see cref="ResidentBytes"/> (the process's RSS) and <see cref="ManagedBytes"/> (the
/// GC heap) after the step show whether a loop keeps its memory flat.
/// </summary>
public sealed record TrainStepCompleted(
    int Epoch,
    int Step,
    int StepsInEpoch,
    long GlobalStep,
    double Loss,
    IReadOnlyDictionary<string, double> Logs,
    double LearningRate,
    double StepSeconds,
    double DataWaitSeconds,
    double ImagesPerSecond,
    long LiveTensors,
    long ResidentBytes,
    long ManagedBytes) : PipelineEvent;
