namespace Oml.Pipelines.Events;

/// <summary>A checkpoint (<c>best</c> or <c>last</c>) was written, atomically, to <see cref="Path"/>.</summary>
public sealed record CheckpointSaved(string Kind, string Path, int Epoch) : PipelineEvent;
