namespace Oml.Pipelines.Events;

/// <summary><paramref name="Key"/>'s checkpoint is complete, checked and in the cache at <paramref name="Path"/>.</summary>
public sealed record WeightsDownloadCompleted(string Key, string Path, long Bytes, TimeSpan Duration) : PipelineEvent;
