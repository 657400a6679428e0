using Oml.Pipelines.Events;
using Oml.Zoo;

namespace Oml.Pipelines;

/// <summary>Reports a checkpoint download into a pipeline's event stream: the CLI's bar and the notebook's view read it there.</summary>
public sealed class PipelineDownloadObserver(IProgress<PipelineEvent> progress) : IDownloadObserver
{
    /// <summary>An observer for <paramref name="progress"/>, or null when there is nothing to report to.</summary>
    public static PipelineDownloadObserver? For(IProgress<PipelineEvent>? progress) => progress is null ? null : new(progress);

    public void Started(string key, string url, string partialPath, long? totalBytes, long resumedFrom, TimeSpan elapsed) =>
        progress.Report(new WeightsDownloadStarted(key, url, partialPath, totalBytes, resumedFrom) { Elapsed = elapsed });

    public void Progress(string key, long bytes, long? totalBytes, TimeSpan elapsed) =>
        progress.Report(new WeightsDownloadProgress(key, bytes, totalBytes) { Elapsed = elapsed });

    public void Completed(string key, string path, long bytes, TimeSpan elapsed) =>
        progress.Report(new WeightsDownloadCompleted(key, path, bytes, elapsed) { Elapsed = elapsed });

    public void Note(string message, TimeSpan elapsed) => progress.Report(new PipelineNote(message) { Elapsed = elapsed });
}
