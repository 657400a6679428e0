using System.Diagnostics;

namespace Oml.Zoo;

/// <summary>Passes a download's steps for one key to an observer, with the time since the fetch began and at most a few progress calls a second.</summary>
internal sealed class DownloadReporter(string key, IDownloadObserver? observer)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastProgress = TimeSpan.MinValue;

    public string Key { get; } = key;

    public void Started(string url, string path, long? totalBytes, long resumedFrom)
    {
        _lastProgress = _clock.Elapsed;
        observer?.Started(Key, url, path, totalBytes, resumedFrom, _clock.Elapsed);
    }

    public void Progress(long bytes, long? totalBytes)
    {
        var now = _clock.Elapsed;
        if (observer is null || (now - _lastProgress < ProgressInterval && bytes != totalBytes)) return;
        _lastProgress = now;
        observer.Progress(Key, bytes, totalBytes, now);
    }

    public void Completed(string path, long bytes) => observer?.Completed(Key, path, bytes, _clock.Elapsed);

    public void Note(string message) => observer?.Note(message, _clock.Elapsed);
}
