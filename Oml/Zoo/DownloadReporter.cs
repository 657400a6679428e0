using System.Diagnostics;
using Oml.Pipelines.Events;

namespace Oml.Zoo;

/// <summary>
/// Turns a download's steps into pipeline events for one key, at most a few progress updates a second; their
/// <see cref="PipelineEvent.Elapsed"/> is the time since this fetch began.
/// </summary>
internal sealed class DownloadReporter(string key, IProgress<PipelineEvent>? progress)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastProgress = TimeSpan.MinValue;

    public string Key { get; } = key;

    public void Started(string url, string path, long? totalBytes, long resumedFrom)
    {
        _lastProgress = _clock.Elapsed;
        progress?.Report(new WeightsDownloadStarted(Key, url, path, totalBytes, resumedFrom) { Elapsed = _clock.Elapsed });
    }

    public void Progress(long bytes, long? totalBytes)
    {
        var now = _clock.Elapsed;
        if (progress is null || (now - _lastProgress < ProgressInterval && bytes != totalBytes)) return;
        _lastProgress = now;
        progress.Report(new WeightsDownloadProgress(Key, bytes, totalBytes) { Elapsed = now });
    }

    public void Completed(string path, long bytes) => progress?.Report(new WeightsDownloadCompleted(Key, path, bytes, _clock.Elapsed) { Elapsed = _clock.Elapsed });

    public void Note(string message) => progress?.Report(new PipelineNote(message) { Elapsed = _clock.Elapsed });
}
