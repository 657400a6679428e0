namespace Oml.Zoo;

/// <summary>
/// What a checkpoint download tells whoever watches it. The pipelines turn each call into a pipeline event
/// (<c>Oml.Pipelines.PipelineDownloadObserver</c>), so the CLI and the notebook draw downloads from the same stream as
/// everything else. Each call gets the time elapsed since the fetch began.
/// </summary>
public interface IDownloadObserver
{
    /// <summary>Bytes start to come from <paramref name="url"/> into <paramref name="partialPath"/>, from <paramref name="resumedFrom"/> on.</summary>
    void Started(string key, string url, string partialPath, long? totalBytes, long resumedFrom, TimeSpan elapsed);

    /// <summary><paramref name="bytes"/> are on disk (a few calls a second at most).</summary>
    void Progress(string key, long bytes, long? totalBytes, TimeSpan elapsed);

    /// <summary>The checkpoint is complete, checked and at <paramref name="path"/>.</summary>
    void Completed(string key, string path, long bytes, TimeSpan elapsed);

    /// <summary>Something worth knowing that is not a failure (a resumed connection, a cached file replaced, a wait for another process).</summary>
    void Note(string message, TimeSpan elapsed);
}
