namespace Oml.Pipelines.Events;

/// <summary>Validation embeddings are being computed for <see cref="Images"/> images.</summary>
public sealed record ValidationStarted(int Epoch, int Images) : PipelineEvent;
