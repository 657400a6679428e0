using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using Oml.IO;

namespace Oml.Zoo;

/// <summary>
/// Downloads one address into an open partial file, continuing from the file's length with an HTTP Range request.
/// A server that ignores the range (200 instead of 206) or answers another range is read from the start and the
/// partial file is rewritten. The digest is computed as the bytes are written (after hashing what the file already
/// held), so the file is read once. A connection that breaks or stalls is resumed up to <see cref="ZooSettings.Attempts"/>
/// times; every failure is a <see cref="DownloadFailure"/>.
/// </summary>
internal sealed class ResumableDownload(HttpClient client, ZooSettings settings, DownloadReporter reporter, string partialPath)
{
    private const int BufferBytes = 1 << 16;

    /// <summary>Downloads <paramref name="url"/> into <paramref name="partial"/> and returns the file's lower-case hex digest.</summary>
    public async Task<string> RunAsync(string url, FileStream partial, ZooChecksum checksum, CancellationToken cancellationToken)
    {
        using var hash = checksum.CreateHash();
        FileChecksum.Append(hash, partial, partial.Length);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryOnceAsync(url, partial, hash, checksum, restarted: false, cancellationToken).ConfigureAwait(false);
            }
            catch (DownloadFailure failure) when (failure.Kind == DownloadFailureKind.Interrupted && attempt < settings.Attempts)
            {
                reporter.Note(string.Create(CultureInfo.InvariantCulture,
                    $"{reporter.Key}: {failure.Message} after {partial.Length} bytes; resuming from there (try {attempt + 1} of {settings.Attempts})"));
                await Task.Delay(settings.RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<string> TryOnceAsync(string url, FileStream partial, IncrementalHash hash, ZooChecksum checksum, bool restarted, CancellationToken cancellationToken)
    {
        var offset = partial.Length;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(settings.StallTimeout);
        using var response = await SendAsync(request, stall.Token, cancellationToken).ConfigureAwait(false);

        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent when offset > 0 && response.Content.Headers.ContentRange?.From == offset:
                break;
            case HttpStatusCode.PartialContent:
                if (restarted) throw new DownloadFailure(DownloadFailureKind.HttpStatus, "the server answered with a range that was not asked for");
                Truncate(partial, hash);
                return await TryOnceAsync(url, partial, hash, checksum, restarted: true, cancellationToken).ConfigureAwait(false);
            case HttpStatusCode.OK:
                if (offset > 0)
                {
                    reporter.Note($"{reporter.Key}: the server does not resume downloads (it ignored the range), so the file is downloaded from its start");
                    Truncate(partial, hash);
                    offset = 0;
                }
                break;
            case HttpStatusCode.RequestedRangeNotSatisfiable when offset > 0:
                // the partial file may already be whole (a run stopped between the last byte and the rename)
                var digest = Convert.ToHexStringLower(hash.GetCurrentHash());
                if (checksum.Matches(digest) || restarted) return digest;
                Truncate(partial, hash);
                return await TryOnceAsync(url, partial, hash, checksum, restarted: true, cancellationToken).ConfigureAwait(false);
            case HttpStatusCode.ProxyAuthenticationRequired:
                throw new DownloadFailure(DownloadFailureKind.Proxy, "the proxy asks for credentials (HTTP 407 Proxy Authentication Required)");
            default:
                throw new DownloadFailure(DownloadFailureKind.HttpStatus, string.Create(CultureInfo.InvariantCulture,
                    $"the server answered HTTP {(int)response.StatusCode} {response.ReasonPhrase ?? response.StatusCode.ToString()}"));
        }

        long? total = response.Content.Headers.ContentLength is { } length ? offset + length : response.Content.Headers.ContentRange?.Length;
        reporter.Started(url, partialPath, total, offset);
        if (total is { } needed) ThrowIfNoRoom(needed - offset);
        var body = await response.Content.ReadAsStreamAsync(stall.Token).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var buffer = new byte[BufferBytes];
            while (true)
            {
                stall.CancelAfter(settings.StallTimeout);
                var read = await ReadAsync(body, buffer, stall.Token, cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                Write(partial, buffer, read);
                hash.AppendData(buffer, 0, read);
                reporter.Progress(partial.Length, total);
            }
        }
        partial.Flush(flushToDisk: true);
        if (total is { } expected && partial.Length < expected)
        {
            throw new DownloadFailure(DownloadFailureKind.Interrupted, "the server closed the connection before the end of the file");
        }
        reporter.Progress(partial.Length, partial.Length);
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken stall, CancellationToken cancellationToken)
    {
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stall).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DownloadFailure(DownloadFailureKind.Unreachable, string.Create(CultureInfo.InvariantCulture,
                $"no answer within {settings.StallTimeout.TotalSeconds:0} s"));
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(e, request.RequestUri!);
        }
    }

    private async Task<int> ReadAsync(Stream body, byte[] buffer, CancellationToken stall, CancellationToken cancellationToken)
    {
        try
        {
            return await body.ReadAsync(buffer, stall).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DownloadFailure(DownloadFailureKind.Interrupted, string.Create(CultureInfo.InvariantCulture,
                $"no data came for {settings.StallTimeout.TotalSeconds:0} s"));
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new DownloadFailure(DownloadFailureKind.Interrupted, $"the connection broke ({e.Message.TrimEnd('.')})", e);
        }
    }

    private void Write(FileStream partial, byte[] buffer, int count)
    {
        try
        {
            partial.Write(buffer, 0, count);
        }
        catch (IOException e) when (OutputLocation.IsNoSpace(e))
        {
            throw new DownloadFailure(DownloadFailureKind.DiskFull, $"no space left on the device holding {Path.GetDirectoryName(partialPath)}", e);
        }
    }

    private void ThrowIfNoRoom(long bytesToCome)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(partialPath))!;
        long free;
        try
        {
            free = new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return; // unknown: the write will tell
        }
        if (free < bytesToCome)
        {
            throw new DownloadFailure(DownloadFailureKind.DiskFull, string.Create(CultureInfo.InvariantCulture,
                $"{Megabytes(bytesToCome)} MB are still to come but only {Megabytes(free)} MB are free on the device holding {folder}"));
        }
    }

    private static void Truncate(FileStream partial, IncrementalHash hash)
    {
        partial.SetLength(0);
        partial.Position = 0;
        hash.GetHashAndReset();
    }

    private static DownloadFailure Unreachable(HttpRequestException e, Uri url)
    {
        var where = url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}";
        return e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => new(DownloadFailureKind.Unreachable, $"the host name {url.Host} cannot be resolved (no network, or no DNS)", e),
            HttpRequestError.ProxyTunnelError when e.StatusCode == HttpStatusCode.ProxyAuthenticationRequired =>
                new(DownloadFailureKind.Proxy, "the proxy asks for credentials (HTTP 407 Proxy Authentication Required)", e),
            HttpRequestError.ProxyTunnelError => new(DownloadFailureKind.Proxy, $"the proxy refused the connection to {where} ({e.Message.TrimEnd('.')})", e),
            HttpRequestError.SecureConnectionError => new(DownloadFailureKind.Unreachable,
                $"the secure connection to {where} failed ({Innermost(e)}); a proxy that inspects HTTPS needs its certificate trusted by this machine", e),
            HttpRequestError.ConnectionError when e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } =>
                new(DownloadFailureKind.Unreachable, $"the connection to {where} was refused (nothing listens there)", e),
            _ => new(DownloadFailureKind.Unreachable, $"cannot connect to {where} ({Innermost(e)})", e),
        };
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message.TrimEnd('.');
    }

    private static long Megabytes(long bytes) => (bytes + (1 << 20) - 1) >> 20;
}
