namespace Oml.Pipelines.Events;

/// <summary>Something a user should know that is not an error (a config key that is ignored here, a file written).</summary>
public sealed record PipelineNote(string Message) : PipelineEvent;
