using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Oml.Tests.Infrastructure;

/// <summary>
/// A tiny HTTP/1.1 file server on 127.0.0.1 for the model-zoo tests (a TcpListener: no admin rights, and full control
/// of the bytes). It serves <see cref="Files"/> by path, honours <c>Range: bytes=N-</c> unless <see cref="HonourRange"/>
/// is off, can break the connection part way through a file (<see cref="DropAfterBytes"/>), can answer every request
/// with one status (<see cref="Status"/>), answers a proxy's <c>CONNECT</c> with <see cref="ConnectStatus"/>, and
/// records every request. One request per connection.
/// </summary>
public sealed class ZooTestServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _dropsLeft;

    public ZooTestServer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public sealed record Request(string Method, string Path, string? Range);

    public int Port { get; }

    /// <summary>What <c>OML_ZOO_URL_BASE</c> is set to so that the zoo's URLs come here.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Content by URL path (e.g. <c>/dino/dino_deitsmall16_pretrain/dino_deitsmall16_pretrain.pth</c>).</summary>
    public ConcurrentDictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<Request> Requests { get; } = new();

    public bool HonourRange { get; set; } = true;

    /// <summary>Every answer has this status and no file, when set.</summary>
    public HttpStatusCode? Status { get; set; }

    /// <summary>The answer to <c>CONNECT</c> (a proxy tunnel).</summary>
    public HttpStatusCode ConnectStatus { get; set; } = HttpStatusCode.ProxyAuthenticationRequired;

    /// <summary>The next <paramref name="responses"/> file answers close the connection after <paramref name="bytes"/> bytes of the body.</summary>
    public void DropConnections(int responses, int bytes)
    {
        DropAfterBytes = bytes;
        Volatile.Write(ref _dropsLeft, responses);
    }

    public int DropAfterBytes { get; private set; }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                if (head is null) return;
                var lines = head.Split("\r\n");
                var parts = lines[0].Split(' ');
                var headers = lines.Skip(1).Where(l => l.Contains(':'))
                    .ToDictionary(l => l[..l.IndexOf(':')].Trim(), l => l[(l.IndexOf(':') + 1)..].Trim(), StringComparer.OrdinalIgnoreCase);
                var request = new Request(parts[0], parts[1], headers.GetValueOrDefault("Range"));
                Requests.Enqueue(request);
                await AnswerAsync(stream, request);
            }
            catch (IOException)
            {
                // the client went away
            }
        }
    }

    private async Task AnswerAsync(NetworkStream stream, Request request)
    {
        if (request.Method == "CONNECT")
        {
            await WriteHeadAsync(stream, ConnectStatus, [("Proxy-Authenticate", "Basic realm=\"test\""), ("Content-Length", "0")]);
            return;
        }
        if (Status is { } status)
        {
            var body = Encoding.ASCII.GetBytes($"{(int)status}\n");
            await WriteHeadAsync(stream, status, [("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture))]);
            await stream.WriteAsync(body);
            return;
        }
        if (!Files.TryGetValue(request.Path, out var file))
        {
            await WriteHeadAsync(stream, HttpStatusCode.NotFound, [("Content-Length", "0")]);
            return;
        }
        var start = HonourRange && request.Range is { } range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-')
            ? long.Parse(range["bytes=".Length..^1], CultureInfo.InvariantCulture)
            : 0;
        if (start >= file.Length && start > 0)
        {
            await WriteHeadAsync(stream, HttpStatusCode.RequestedRangeNotSatisfiable, [("Content-Range", $"bytes */{file.Length}"), ("Content-Length", "0")]);
            return;
        }
        var length = file.Length - start;
        List<(string, string)> fields = [("Content-Length", length.ToString(CultureInfo.InvariantCulture)), ("Accept-Ranges", HonourRange ? "bytes" : "none")];
        if (start > 0) fields.Add(("Content-Range", string.Create(CultureInfo.InvariantCulture, $"bytes {start}-{file.Length - 1}/{file.Length}")));
        await WriteHeadAsync(stream, start > 0 ? HttpStatusCode.PartialContent : HttpStatusCode.OK, fields);
        var drop = Interlocked.Decrement(ref _dropsLeft) >= 0;
        var count = drop ? (int)Math.Min(length, DropAfterBytes) : (int)length;
        await stream.WriteAsync(file.AsMemory((int)start, count));
        await stream.FlushAsync();
        // closing after fewer bytes than Content-Length is what a broken connection looks like to the client
    }

    private static async Task WriteHeadAsync(NetworkStream stream, HttpStatusCode status, IEnumerable<(string Name, string Value)> fields)
    {
        var head = new StringBuilder().Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {(int)status} {Reason(status)}\r\nConnection: close\r\n");
        foreach (var (name, value) in fields) head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
    }

    private static string Reason(HttpStatusCode status) => status switch
    {
        HttpStatusCode.ProxyAuthenticationRequired => "Proxy Authentication Required",
        HttpStatusCode.NotFound => "Not Found",
        HttpStatusCode.PartialContent => "Partial Content",
        HttpStatusCode.RequestedRangeNotSatisfiable => "Range Not Satisfiable",
        HttpStatusCode.InternalServerError => "Internal Server Error",
        _ => status.ToString(),
    };

    private static async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 16384)
        {
            if (await stream.ReadAsync(one) == 0) return null;
            bytes.Add(one[0]);
            if (bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n') break;
        }
        return Encoding.ASCII.GetString([.. bytes]);
    }
}
