namespace Oml.Zoo;

/// <summary>
/// Where pretrained checkpoints are cached and fetched from. <see cref="FromEnvironment"/> reads
/// <c>OML_CACHE_DIR</c> (see <see cref="OmlCache"/>) and <see cref="UrlBaseVariable"/>.
/// </summary>
public sealed record ZooSettings
{
    /// <summary>Replaces the scheme and host of every zoo URL (a mirror, or a test server); the URL's path is kept.</summary>
    public const string UrlBaseVariable = "OML_ZOO_URL_BASE";

    /// <summary>OML's <c>CKPT_SAVE_ROOT</c> is <c>&lt;cache&gt;/torch/checkpoints</c>: the same files serve both.</summary>
    public static string DefaultCacheFolder => Path.Combine(OmlCache.Directory, "torch", "checkpoints");

    /// <summary>The folder the checkpoints are kept in, under their <see cref="ZooEntry.FileName"/>.</summary>
    public required string CacheFolder { get; init; }

    /// <summary>A base URL such as <c>https://mirror.example.com/oml</c> that replaces <c>scheme://host</c> of every zoo URL, or null.</summary>
    public string? UrlBase { get; init; }

    /// <summary>The client to download with; null takes a shared one that honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>How long a connection may stay silent (no headers, no bytes) before the download counts as stalled (OML's requests timeout).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Tries per address when a connection breaks in the middle of a file; each one resumes where the last stopped.</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>The wait before resuming after a broken connection.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public static ZooSettings FromEnvironment()
    {
        var urlBase = Environment.GetEnvironmentVariable(UrlBaseVariable);
        return new ZooSettings
        {
            CacheFolder = DefaultCacheFolder,
            UrlBase = string.IsNullOrWhiteSpace(urlBase) ? null : ZooUrls.CheckBase(urlBase.Trim(), UrlBaseVariable),
        };
    }
}
