using System.Globalization;
using System.Text;
using Oml.Pipelines.Events;
using Oml.Visualization;

namespace Oml.Views;

/// <summary>
/// The downloads of pretrained weights in a pipeline's event stream (<see cref="WeightsDownloadStarted"/>,
/// <see cref="WeightsDownloadProgress"/>, <see cref="WeightsDownloadCompleted"/>), as a notebook shows them while they
/// run: a bar per key with megabytes, rate and address, then where the file went. Not thread-safe: feed and render it
/// from one thread, or under a lock (<see cref="TrainingLiveView"/> does).
/// </summary>
public sealed class WeightsDownloadView : IView
{
    private readonly List<Download> _downloads = [];

    /// <summary>Whether a download has started and not completed.</summary>
    public bool IsDownloading => _downloads.Any(d => d.Path is null);

    public bool HasDownloads => _downloads.Count > 0;

    /// <summary>Takes a download event and returns true; returns false for any other event.</summary>
    public bool Apply(PipelineEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (e)
        {
            case WeightsDownloadStarted started:
                var download = Find(started.Key);
                if (download is null || download.Path is not null) _downloads.Add(download = new Download(started.Key));
                download.Url = started.Url;
                download.Total = started.TotalBytes;
                download.Bytes = download.StartBytes = started.ResumedFrom;
                download.StartTime = started.Elapsed;
                return true;
            case WeightsDownloadProgress progress when Find(progress.Key) is { } current:
                current.Bytes = progress.Bytes;
                current.Total = progress.TotalBytes ?? current.Total;
                current.LastTime = progress.Elapsed;
                return true;
            case WeightsDownloadCompleted completed when Find(completed.Key) is { } done:
                done.Bytes = done.Total ?? completed.Bytes;
                done.Path = completed.Path;
                done.Duration = completed.Duration;
                return true;
            case WeightsDownloadProgress or WeightsDownloadCompleted:
                return true;
            default:
                return false;
        }
    }

    public string Html()
    {
        var html = new StringBuilder("<div class=\"oml-downloads\">\n");
        foreach (var d in _downloads)
        {
            if (d.Path is null)
            {
                var fraction = d.Total is > 0 ? (double)d.Bytes / d.Total.Value : 0;
                ViewHtml.ProgressBar(html, fraction, $"downloading {d.Key}: {Progress(d)}");
                html.Append("<div style=\"color:#666;font-size:11px\">").Append(ViewHtml.Escape(d.Url)).Append("</div>\n");
            }
            else
            {
                html.Append("<div class=\"oml-download-done\">").Append(ViewHtml.Escape(Done(d))).Append("</div>\n");
            }
        }
        return html.Append("</div>\n").ToString();
    }

    public string Text()
    {
        var text = new StringBuilder();
        foreach (var d in _downloads) text.Append(d.Path is null ? $"downloading {d.Key}: {Progress(d)} from {d.Url}" : Done(d)).Append('\n');
        return text.ToString();
    }

    public string ToHtml() => Html();

    public override string ToString() => Text();

    private Download? Find(string key) => _downloads.LastOrDefault(d => d.Key == key);

    private static string Progress(Download d)
    {
        var done = Megabytes(d.Bytes);
        var text = d.Total is { } total ? $"{done} / {Megabytes(total)} MB" : $"{done} MB";
        var seconds = (d.LastTime - d.StartTime).TotalSeconds;
        return seconds > 0.5 && d.Bytes > d.StartBytes ? $"{text}, {Megabytes((long)((d.Bytes - d.StartBytes) / seconds))} MB/s" : text;
    }

    private static string Done(Download d) =>
        string.Create(CultureInfo.InvariantCulture, $"downloaded {d.Key}: {Megabytes(d.Bytes)} MB in {d.Duration.TotalSeconds:0.0} s -> {d.Path}");

    private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);

    private sealed class Download(string key)
    {
        public string Key { get; } = key;
        public string Url { get; set; } = "";
        public long Bytes { get; set; }
        public long StartBytes { get; set; }
        public long? Total { get; set; }
        public TimeSpan StartTime { get; set; }
        public TimeSpan LastTime { get; set; }
        public string? Path { get; set; }
        public TimeSpan Duration { get; set; }
    }
}
