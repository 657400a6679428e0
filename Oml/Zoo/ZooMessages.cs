namespace Oml.Zoo;

/// <summary>The user-facing texts of the model zoo: each names the key, the address and what to do.</summary>
public static class ZooMessages
{
    /// <summary>The config key that takes a checkpoint, as messages name it when no other is known.</summary>
    public const string DefaultConfigPath = "extractor.args.weights";

    /// <summary>"download it yourself …": the way out that always works.</summary>
    public static string DownloadYourself(ZooEntry entry, string url, string configPath) =>
        $"or download it yourself ({url}; its {entry.Checksum.Describe()}) and give the path: {configPath}=/path/{entry.FileName}";

    /// <summary><paramref name="didYouMean"/> is a suggestion such as " (did you mean 'vits16_dino'?)", or empty.</summary>
    public static string UnknownKey(string key, string didYouMean = "") =>
        $"'{key}' is not a key of OML's model zoo{didYouMean}; 'oml weights list' shows them all";

    public static string NotCached(ZooEntry entry, string path) =>
        $"{entry.Key} is not in the cache (it would be {path}): run 'oml weights fetch {entry.Key}'";

    public static string CachedButDifferent(ZooEntry entry, string path, string digest) =>
        $"{entry.Key}: the cached {path} is not the expected checkpoint (its {Algorithm(entry)} is {digest}, expected {entry.Checksum.Describe()}): " +
        $"run 'oml weights fetch {entry.Key}', which replaces it";

    /// <summary>Why no address delivered <paramref name="entry"/>, with the advice that fits the first failure.</summary>
    internal static OmlException DownloadFailed(ZooEntry entry, IReadOnlyList<(string Url, DownloadFailure Failure)> failures, string configPath, string partialPath)
    {
        var (url, failure) = failures[0];
        var text = failures.Count == 1
            ? $"cannot download the pretrained weights '{entry.Key}' from {url}: {Sentence(entry, failure, partialPath)}"
            : $"cannot download the pretrained weights '{entry.Key}' from any of its {failures.Count} addresses; from {url}: {Sentence(entry, failure, partialPath)}";
        var message = $"{text}; {Advice(failure.Kind)}{DownloadYourself(entry, entry.Urls[0], configPath)}";
        var details = failures.Count == 1 ? null : failures.Select(f => $"{f.Url}: {Sentence(entry, f.Failure, partialPath)}").ToList();
        return new OmlException(message, details, failure);
    }

    internal static DownloadFailure ChecksumMismatch(ZooEntry entry, string digest) =>
        new(DownloadFailureKind.ChecksumMismatch,
            $"the file that arrived is not the expected checkpoint (its {Algorithm(entry)} is {digest}, expected {entry.Checksum.Describe()}), " +
            "so it was deleted; the server may have sent an error page or another version of the file");

    private static string Sentence(ZooEntry entry, DownloadFailure failure, string partialPath) => failure.Kind switch
    {
        DownloadFailureKind.Interrupted => $"{failure.Message}; the part downloaded so far is kept in {partialPath} (not under the checkpoint's name) " +
                                           $"and the next try continues from there: run the same command again, or 'oml weights fetch {entry.Key}'",
        DownloadFailureKind.DiskFull => $"{failure.Message}; the part downloaded so far is kept in {partialPath} for a later resume",
        _ => failure.Message,
    };

    private static string Advice(DownloadFailureKind kind) => kind switch
    {
        DownloadFailureKind.Unreachable => "check the network (a proxy is taken from HTTPS_PROXY / HTTP_PROXY / NO_PROXY), " +
                                           $"set {ZooSettings.UrlBaseVariable} to a mirror, ",
        DownloadFailureKind.Proxy => "set the proxy with its credentials, e.g. HTTPS_PROXY=http://user:password@proxy.example.com:3128, " +
                                     $"or set {ZooSettings.UrlBaseVariable} to a mirror you can reach, ",
        DownloadFailureKind.HttpStatus => $"the file may have moved: set {ZooSettings.UrlBaseVariable} to a mirror, ",
        DownloadFailureKind.DiskFull => $"free some space, or set {OmlCache.EnvironmentVariable} to a folder on another disk, ",
        DownloadFailureKind.Interrupted => "",
        DownloadFailureKind.ChecksumMismatch => "try again later, ",
        _ => "",
    };

    private static string Algorithm(ZooEntry entry) => entry.Checksum.Algorithm == ChecksumAlgorithm.Md5 ? "md5" : "sha256";
}
