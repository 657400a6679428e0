using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;

namespace Oml.Zoo;

/// <summary>
/// Pretrained checkpoints by zoo key, as OML's <c>download_checkpoint</c> gets them: a file in the cache folder whose
/// digest starts with the table's prefix is used (OML checks the cached file's md5 on every use and deletes one that
/// differs; one instance checks it once while its size and time stay the same); otherwise the file is
/// downloaded over HTTP(S) into <c>&lt;name&gt;.partial</c> next to it, resumed from that file's length when an earlier
/// try broke, checked, and renamed to its name. A file with another digest is deleted; nothing half-written ever
/// carries the checkpoint's name. Two processes never write the same partial file: the second waits for the first.
/// Progress goes to the given <see cref="IDownloadObserver"/>, else to the one set by <see cref="ReportDownloadsTo"/>.
/// </summary>
public sealed class PretrainedWeights
{
    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly AsyncLocal<IDownloadObserver?> AmbientObserver = new();
    private static readonly Lazy<HttpClient> SharedClient = new(CreateClient);
    private static PretrainedWeights? _fromEnvironment;

    private readonly Dictionary<string, ZooEntry> _entries;
    private readonly ConcurrentDictionary<string, (long Length, DateTime Written)> _verifiedFiles = new(StringComparer.Ordinal);

    /// <param name="settings">Cache folder, mirror and HTTP client.</param>
    /// <param name="entries">The keys to know; OML's table (<see cref="ZooTable.Entries"/>) when null.</param>
    public PretrainedWeights(ZooSettings settings, IEnumerable<ZooEntry>? entries = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        _entries = (entries ?? ZooTable.Entries).ToDictionary(e => e.Key, StringComparer.Ordinal);
    }

    /// <summary>
    /// OML's table with the cache folder and mirror of the environment (<c>OML_CACHE_DIR</c>, <c>OML_ZOO_URL_BASE</c>);
    /// the same instance while they stay the same, so a file is checked once per process.
    /// </summary>
    public static PretrainedWeights FromEnvironment()
    {
        var settings = ZooSettings.FromEnvironment();
        var current = _fromEnvironment;
        if (current is not null && current.Settings == settings) return current;
        return _fromEnvironment = new PretrainedWeights(settings);
    }

    public ZooSettings Settings { get; }

    public IEnumerable<ZooEntry> Entries => _entries.Values;

    /// <summary>The entry of <paramref name="key"/>, or null when it is not a known key.</summary>
    public ZooEntry? Find(string? key) => key is not null && _entries.TryGetValue(key, out var entry) ? entry : null;

    /// <summary>The entry of <paramref name="key"/>; an unknown key is an <see cref="OmlException"/>.</summary>
    public ZooEntry Entry(string key) => Find(key) ?? throw new OmlException(ZooMessages.UnknownKey(key));

    /// <summary>Where <paramref name="entry"/>'s checkpoint is kept.</summary>
    public string CachePath(ZooEntry entry) => Path.Combine(Settings.CacheFolder, entry.FileName);

    /// <summary>Where an unfinished download of <paramref name="entry"/> is kept.</summary>
    public string PartialPath(ZooEntry entry) => CachePath(entry) + ".partial";

    /// <summary>What the cache holds for <paramref name="key"/>, without reading the files.</summary>
    public CachedCheckpoint Inspect(string key)
    {
        var entry = Entry(key);
        var path = CachePath(entry);
        var partial = PartialPath(entry);
        return new CachedCheckpoint(entry, path, File.Exists(path) ? new FileInfo(path).Length : null,
            File.Exists(partial) ? new FileInfo(partial).Length : null);
    }

    /// <summary>
    /// The cached checkpoint of <paramref name="key"/> after checking its digest; an <see cref="OmlException"/> saying
    /// what to run when it is missing or differs (nothing is deleted or downloaded).
    /// </summary>
    public string VerifiedCachedPath(string key)
    {
        var entry = Entry(key);
        var path = CachePath(entry);
        if (!File.Exists(path)) throw new OmlException(ZooMessages.NotCached(entry, path));
        if (IsVerified(path)) return path;
        var digest = FileChecksum.Compute(path, entry.Checksum);
        if (!entry.Checksum.Matches(digest)) throw new OmlException(ZooMessages.CachedButDifferent(entry, path, digest));
        RememberVerified(path);
        return path;
    }

    /// <summary>
    /// Makes downloads that have no observer of their own (those started while building an extractor from a config)
    /// report to <paramref name="observer"/> in this flow of execution until the result is disposed; null keeps the
    /// one set further out.
    /// </summary>
    public static IDisposable ReportDownloadsTo(IDownloadObserver? observer)
    {
        var previous = AmbientObserver.Value;
        AmbientObserver.Value = observer ?? previous;
        return new AmbientRestore(previous);
    }

    /// <inheritdoc cref="FetchAsync"/>
    public string Fetch(string key, IDownloadObserver? observer = null, string configPath = ZooMessages.DefaultConfigPath,
        CancellationToken cancellationToken = default)
    {
        observer ??= AmbientObserver.Value;
        return Task.Run(() => FetchAsync(key, observer, configPath, cancellationToken), CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>
    /// The path of <paramref name="key"/>'s checked checkpoint in the cache, downloading it first when it is not there
    /// (or differs). <paramref name="configPath"/> is the config key that named it, for the messages.
    /// </summary>
    public async Task<string> FetchAsync(string key, IDownloadObserver? observer = null, string configPath = ZooMessages.DefaultConfigPath,
        CancellationToken cancellationToken = default)
    {
        var entry = Entry(key);
        observer ??= AmbientObserver.Value;
        var reporter = new DownloadReporter(entry.Key, observer);
        var target = CachePath(entry);
        if (CachedAndValid(entry, reporter)) return target;
        CreateCacheFolder();

        var partialPath = PartialPath(entry);
        var partial = await OpenPartialAsync(entry, reporter, cancellationToken).ConfigureAwait(false);
        if (partial is null) return target;
        var failures = new List<(string Url, DownloadFailure Failure)>();
        try
        {
            foreach (var url in ZooUrls.Candidates(entry, Settings.UrlBase))
            {
                try
                {
                    var download = new ResumableDownload(Settings.HttpClient ?? SharedClient.Value, Settings, reporter, partialPath);
                    var digest = await download.RunAsync(url, partial, entry.Checksum, cancellationToken).ConfigureAwait(false);
                    if (!entry.Checksum.Matches(digest))
                    {
                        partial.SetLength(0);
                        throw ZooMessages.ChecksumMismatch(entry, digest);
                    }
                    var bytes = partial.Length;
                    // renamed while still locked, so a process waiting for the lock finds the checkpoint, not the partial file
                    File.Move(partialPath, target, overwrite: true);
                    RememberVerified(target);
                    reporter.Completed(target, bytes);
                    return target;
                }
                catch (DownloadFailure failure)
                {
                    failures.Add((url, failure));
                    if (failure.KeepsPartial) break;
                }
            }
        }
        finally
        {
            await partial.DisposeAsync().ConfigureAwait(false);
            DeleteIfEmpty(partialPath);
        }
        throw ZooMessages.DownloadFailed(entry, failures, configPath, partialPath);
    }

    private bool CachedAndValid(ZooEntry entry, DownloadReporter reporter)
    {
        var path = CachePath(entry);
        if (!File.Exists(path)) return false;
        if (IsVerified(path)) return true;
        var digest = FileChecksum.Compute(path, entry.Checksum);
        if (entry.Checksum.Matches(digest))
        {
            RememberVerified(path);
            return true;
        }
        reporter.Note($"{entry.Key}: the cached {path} is not the expected checkpoint (digest {digest}, expected {entry.Checksum.Describe()}); " +
                      "it is deleted and downloaded again");
        File.Delete(path);
        return false;
    }

    /// <summary>
    /// The partial file, locked for this process alone; null when another process finished the download while this one
    /// waited for the lock.
    /// </summary>
    private async Task<FileStream?> OpenPartialAsync(ZooEntry entry, DownloadReporter reporter, CancellationToken cancellationToken)
    {
        var path = PartialPath(entry);
        var waiting = false;
        while (true)
        {
            FileStream partial;
            try
            {
                partial = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, ExclusiveButRenamable, bufferSize: 0);
            }
            catch (IOException e) when (IsLockedByOther(e))
            {
                if (!waiting) reporter.Note($"{entry.Key}: another download of it is writing {path}; waiting for it to finish");
                waiting = true;
                await Task.Delay(LockPollInterval, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new OmlException($"{entry.Key}: cannot write {path}: {IO.OutputLocation.Reason(e, path)}; " +
                                       $"set {OmlCache.EnvironmentVariable} to a folder you can write to", innerException: e);
            }
            if (waiting && CachedAndValid(entry, reporter))
            {
                await partial.DisposeAsync().ConfigureAwait(false);
                DeleteIfEmpty(path);
                return null;
            }
            return partial;
        }
    }

    // Unix renames open files and takes an exclusive flock only for FileShare.None; Windows needs FileShare.Delete to rename
    private static FileShare ExclusiveButRenamable => OperatingSystem.IsWindows() ? FileShare.Delete : FileShare.None;

    private void CreateCacheFolder()
    {
        try
        {
            Directory.CreateDirectory(Settings.CacheFolder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OmlException($"cannot create the cache folder {Settings.CacheFolder} ({e.Message.TrimEnd('.')}); " +
                                   $"set {OmlCache.EnvironmentVariable} to a writable folder", innerException: e);
        }
    }

    // FileShare.None takes an advisory lock (flock) on Unix: a taken one fails with EWOULDBLOCK (11 on Linux, 35 on
    // macOS) as the HResult; Windows reports a sharing violation (32) or a lock violation (33)
    private static bool IsLockedByOther(IOException e) =>
        e.HResult is 11 or 35 || (e.HResult & 0xFFFF) is 32 or 33 && (e.HResult >> 16 & 0x1FFF) == 7;

    private bool IsVerified(string path)
    {
        var info = new FileInfo(path);
        return _verifiedFiles.TryGetValue(Path.GetFullPath(path), out var stamp) && stamp == (info.Length, info.LastWriteTimeUtc);
    }

    private void RememberVerified(string path)
    {
        var info = new FileInfo(path);
        _verifiedFiles[Path.GetFullPath(path)] = (info.Length, info.LastWriteTimeUtc);
    }

    private static void DeleteIfEmpty(string path)
    {
        try
        {
            if (File.Exists(path) && new FileInfo(path).Length == 0) File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // an empty leftover does no harm: the next download opens it again
        }
    }

    private static HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = DecompressionMethods.None, // byte ranges are ranges of the file, not of a compressed stream
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Oml.Interactive", typeof(PretrainedWeights).Assembly.GetName().Version?.ToString(3)));
        return client;
    }

    private sealed class AmbientRestore(IDownloadObserver? previous) : IDisposable
    {
        public void Dispose() => AmbientObserver.Value = previous;
    }
}
