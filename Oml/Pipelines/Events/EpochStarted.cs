namespace Oml.Pipelines.Events;

/// <summary>An epoch (0-based <see cref="Epoch"/>) begins; it has <see cref="Steps"/> steps.</summary>
public sealed record EpochStarted(int Epoch, int Steps, double LearningRate) : PipelineEvent;
