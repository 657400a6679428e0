namespace Oml.Pipelines.Events;

/// <summary>A training run has its datasets, model and sampler and is about to train.</summary>
public sealed record RunStarted(
    string RunDirectory,
    string Device,
    int FirstEpoch,
    int MaxEpochs,
    int StepsPerEpoch,
    int BatchSize,
    int TrainImages,
    int ValidationImages,
    long Parameters,
    IReadOnlyList<string> Notes) : PipelineEvent;
