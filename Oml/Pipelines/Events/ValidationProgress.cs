namespace Oml.Pipelines.Events;

/// <summary>Embeddings computed so far during validation or prediction.</summary>
public sealed record ValidationProgress(int Done, int Total) : PipelineEvent;
