namespace Oml.Zoo;

/// <summary>The addresses a checkpoint is fetched from, in order, with a mirror in place of the original hosts.</summary>
public static class ZooUrls
{
    /// <summary>
    /// OML's addresses of <paramref name="entry"/> in OML's order, then its Google Drive copy; with
    /// <paramref name="urlBase"/>, each address on the mirror instead (and no Google Drive, which has no path to keep).
    /// </summary>
    public static IReadOnlyList<string> Candidates(ZooEntry entry, string? urlBase)
    {
        if (urlBase is not null) return [.. entry.Urls.Select(u => Rebase(u, urlBase))];
        return entry.GoogleDriveId is { } id ? [.. entry.Urls, GoogleDriveUrl(id)] : entry.Urls;
    }

    /// <summary><paramref name="url"/> with <c>scheme://host[:port]</c> replaced by <paramref name="urlBase"/> (which may end in a path).</summary>
    public static string Rebase(string url, string urlBase) => urlBase.TrimEnd('/') + new Uri(url).AbsolutePath;

    /// <summary>
    /// The direct-download address of a Google Drive file (what gdown ends up requesting for a large file; the
    /// checksum catches an HTML page served instead).
    /// </summary>
    public static string GoogleDriveUrl(string fileId) =>
        $"https://drive.usercontent.google.com/download?id={Uri.EscapeDataString(fileId)}&export=download&confirm=t";

    /// <summary><paramref name="urlBase"/> when it is an absolute http(s) URL; an <see cref="OmlException"/> naming <paramref name="source"/> otherwise.</summary>
    public static string CheckBase(string urlBase, string source)
    {
        if (Uri.TryCreate(urlBase, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) &&
            string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment))
        {
            return urlBase;
        }
        throw new OmlException($"{source} = '{urlBase}' is not a base URL: expected http(s)://host[:port][/path], e.g. https://mirror.example.com/oml-zoo");
    }
}
