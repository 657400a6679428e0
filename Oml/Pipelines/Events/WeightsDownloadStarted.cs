namespace Oml.Pipelines.Events;

/// <summary>
/// A pretrained checkpoint is being downloaded: <paramref name="Key"/> from <paramref name="Url"/> into
/// <paramref name="Path"/>. <paramref name="TotalBytes"/> is null when the server does not say; a resumed download
/// starts at <paramref name="ResumedFrom"/> bytes (0 for a fresh one, or when the server ignored the range).
/// </summary>
public sealed record WeightsDownloadStarted(string Key, string Url, string Path, long? TotalBytes, long ResumedFrom) : PipelineEvent;
