namespace Oml.Pipelines.Events;

/// <summary>Bytes of <paramref name="Key"/>'s checkpoint on disk so far (a few updates a second at most).</summary>
public sealed record WeightsDownloadProgress(string Key, long Bytes, long? TotalBytes) : PipelineEvent;
