namespace Oml.Pipelines.Events;

/// <summary>The training part of an epoch ended: mean loss, wall time and the share of it spent waiting for data.</summary>
public sealed record EpochCompleted(int Epoch, double MeanLoss, double Seconds, double DataWaitFraction, double ImagesPerSecond) : PipelineEvent;
