using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Oml.Pipelines;
using Oml.Pipelines.Events;
using Oml.Zoo;

namespace Oml.Tests.Zoo;

/// <summary>
/// Download on first use against a local HTTP server (<see cref="ZooTestServer"/>): cache hits, checksums, resumed and
/// restarted downloads, and the message of every failure. The entries are made here, with the checksums of the
/// bytes the server serves; OML's table itself is checked in <see cref="ZooTableTests"/>.
/// </summary>
public sealed class ZooDownloadTests : TempDirectoryTest, IDisposable
{
    private const string UrlPath = "/checkpoints/test/tiny.ckpt";
    private readonly ZooTestServer _server = new();
    private readonly byte[] _content = RandomNumberGenerator.GetBytes(300_000);

    public ZooDownloadTests()
    {
        _server.Files[UrlPath] = _content;
    }

    public new void Dispose()
    {
        _server.Dispose();
        base.Dispose();
    }

    private string CacheFolder => Dir.File("cache");

    [Fact]
    public void FirstUseDownloadsAndReportsProgressThenTheCacheAnswersWithoutARequest()
    {
        var entry = Entry(Md5Prefix(_content, 6));
        var events = new EventList();
        var path = Fetch(Zoo(entry), entry.Key, events);

        Assert.Equal(Path.Combine(CacheFolder, "tiny_test.ckpt"), path);
        Assert.Equal(_content, File.ReadAllBytes(path));
        Assert.Equal(["tiny_test.ckpt"], Directory.GetFiles(CacheFolder).Select(Path.GetFileName));
        var request = Assert.Single(_server.Requests);
        Assert.Equal((UrlPath, null), (request.Path, request.Range));
        var started = Assert.Single(events.OfType<WeightsDownloadStarted>());
        Assert.Equal(("tiny_test", $"{_server.BaseUrl}{UrlPath}", (long?)_content.Length, 0L), (started.Key, started.Url, started.TotalBytes, started.ResumedFrom));
        Assert.Equal(_content.Length, events.OfType<WeightsDownloadProgress>().Last().Bytes);
        Assert.Equal(path, Assert.Single(events.OfType<WeightsDownloadCompleted>()).Path);

        // a new instance (as a new process would) checks the cached file's checksum and makes no request
        var again = new EventList();
        Assert.Equal(path, Fetch(Zoo(entry), entry.Key, again));
        Assert.Single(_server.Requests);
        Assert.Empty(again);
    }

    [Fact]
    public void ACorruptedCachedFileIsDetectedByItsChecksumDeletedAndDownloadedAgain()
    {
        var entry = Entry(Md5Prefix(_content, 8));
        var path = Fetch(Zoo(entry), entry.Key);
        var bytes = File.ReadAllBytes(path);
        bytes[1234] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        var events = new EventList();
        Assert.Equal(path, Fetch(Zoo(entry), entry.Key, events));
        Assert.Equal(_content, File.ReadAllBytes(path));
        Assert.Equal(2, _server.Requests.Count);
        Assert.Contains(events.OfType<PipelineNote>(), n => n.Message.Contains("is not the expected checkpoint", StringComparison.Ordinal) &&
                                                            n.Message.Contains("deleted and downloaded again", StringComparison.Ordinal));
    }

    [Fact]
    public void AWrongChecksumFailsNamingKeyUrlAndWayOutAndLeavesNothing()
    {
        var wrong = Md5Prefix(_content, 6) == "000000" ? "111111" : "000000";
        var entry = Entry(wrong);
        var e = Assert.Throws<OmlException>(() => Fetch(Zoo(entry), entry.Key, configPath: "extractor.args.extractor.args.weights"));

        Assert.Contains($"cannot download the pretrained weights 'tiny_test' from {_server.BaseUrl}{UrlPath}", e.Message);
        Assert.Contains($"its md5 is {Convert.ToHexStringLower(MD5.HashData(_content))}, expected md5 starting with {wrong}", e.Message);
        Assert.Contains("so it was deleted", e.Message);
        Assert.Contains("download it yourself (https://zoo.example.org/checkpoints/test/tiny.ckpt; its md5 starting with", e.Message);
        Assert.Contains("and give the path: extractor.args.extractor.args.weights=/path/tiny_test.ckpt", e.Message);
        Assert.Empty(Directory.GetFiles(CacheFolder));
    }

    [Fact]
    public void ADroppedConnectionKeepsThePartialFileAndTheNextTryResumesFromIt()
    {
        var entry = Entry(Md5Prefix(_content, 6));
        _server.DropConnections(responses: 1, bytes: 100_000);
        var zoo = Zoo(entry, attempts: 1);

        var e = Assert.Throws<OmlException>(() => Fetch(zoo, entry.Key));
        var partial = Path.Combine(CacheFolder, "tiny_test.ckpt.partial");
        Assert.Contains("cannot download the pretrained weights 'tiny_test'", e.Message);
        Assert.Contains("the connection broke", e.Message);
        Assert.Contains($"the part downloaded so far is kept in {partial} (not under the checkpoint's name)", e.Message);
        Assert.Contains("'oml weights fetch tiny_test'", e.Message);
        Assert.False(File.Exists(Path.Combine(CacheFolder, "tiny_test.ckpt")));
        Assert.Equal(_content[..100_000], File.ReadAllBytes(partial));

        var events = new EventList();
        var path = Fetch(zoo, entry.Key, events);
        Assert.Equal(_content, File.ReadAllBytes(path));
        Assert.False(File.Exists(partial));
        Assert.Equal("bytes=100000-", _server.Requests.Last().Range);
        Assert.Equal(100_000, Assert.Single(events.OfType<WeightsDownloadStarted>()).ResumedFrom);
    }

    [Fact]
    public void WithSeveralAttemptsABrokenConnectionIsResumedWithinOneCall()
    {
        var entry = Entry(Md5Prefix(_content, 6));
        _server.DropConnections(responses: 2, bytes: 70_000);
        var events = new EventList();

        var path = Fetch(Zoo(entry, attempts: 3), entry.Key, events);

        Assert.Equal(_content, File.ReadAllBytes(path));
        Assert.Equal([null, "bytes=70000-", "bytes=140000-"], _server.Requests.Select(r => r.Range));
        Assert.Equal(2, events.OfType<PipelineNote>().Count(n => n.Message.Contains("resuming from there", StringComparison.Ordinal)));
    }

    [Fact]
    public void AServerThatIgnoresRangeRestartsTheFileCleanly()
    {
        var entry = Entry(Md5Prefix(_content, 6));
        Directory.CreateDirectory(CacheFolder);
        File.WriteAllBytes(Path.Combine(CacheFolder, "tiny_test.ckpt.partial"), RandomNumberGenerator.GetBytes(5000)); // not even the right bytes
        _server.HonourRange = false;
        var events = new EventList();

        var path = Fetch(Zoo(entry), entry.Key, events);

        Assert.Equal(_content, File.ReadAllBytes(path));
        Assert.Equal("bytes=5000-", Assert.Single(_server.Requests).Range);
        Assert.Equal(0, Assert.Single(events.OfType<WeightsDownloadStarted>()).ResumedFrom);
        Assert.Contains(events.OfType<PipelineNote>(), n => n.Message.Contains("ignored the range", StringComparison.Ordinal));
        Assert.Equal(["tiny_test.ckpt"], Directory.GetFiles(CacheFolder).Select(Path.GetFileName));
    }

    [Fact]
    public void APartialFileThatIsAlreadyWholeIsCheckedAndRenamedWhenTheServerSaysTheRangeIsPastTheEnd()
    {
        var entry = Entry(Md5Prefix(_content, 6));
        Directory.CreateDirectory(CacheFolder);
        File.WriteAllBytes(Path.Combine(CacheFolder, "tiny_test.ckpt.partial"), _content); // stopped between the last byte and the rename

        var path = Fetch(Zoo(entry), entry.Key);

        Assert.Equal(_content, File.ReadAllBytes(path));
        Assert.Equal($"bytes={_content.Length}-", Assert.Single(_server.Requests).Range);
    }

    [Fact]
    public void TheNextAddressIsTriedWhenOneFailsAsOmlDoes()
    {
        var entry = Entry(Md5Prefix(_content, 6)) with { Urls = ["https://zoo.example.org/gone/tiny.ckpt", $"https://zoo.example.org{UrlPath}"] };

        var path = Fetch(Zoo(entry), entry.Key);

        Assert.Equal(_content, File.ReadAllBytes(path));
        Assert.Equal(["/gone/tiny.ckpt", UrlPath], _server.Requests.Select(r => r.Path));
    }

    [Fact]
    public void NotFoundNamesTheStatusTheKeyAndTheUrlAndLeavesNothing()
    {
        var entry = Entry(Md5Prefix(_content, 6)) with { Urls = ["https://zoo.example.org/moved/tiny.ckpt"] };

        var e = Assert.Throws<OmlException>(() => Fetch(Zoo(entry), entry.Key));

        Assert.Equal($"cannot download the pretrained weights 'tiny_test' from {_server.BaseUrl}/moved/tiny.ckpt: the server answered HTTP 404 Not Found; " +
                     $"the file may have moved: set {ZooSettings.UrlBaseVariable} to a mirror, or download it yourself " +
                     $"(https://zoo.example.org/moved/tiny.ckpt; its md5 starting with {Md5Prefix(_content, 6)}) and give the path: extractor.args.weights=/path/tiny_test.ckpt",
            e.Message);
        Assert.Empty(Directory.GetFiles(CacheFolder));
    }

    [Fact]
    public void AProxyAskingForCredentialsSaysHowToGiveThem()
    {
        var entry = Entry(Md5Prefix(_content, 6));
        _server.Status = HttpStatusCode.ProxyAuthenticationRequired;

        var e = Assert.Throws<OmlException>(() => Fetch(Zoo(entry), entry.Key));

        Assert.Contains($"'tiny_test' from {_server.BaseUrl}{UrlPath}: the proxy asks for credentials (HTTP 407 Proxy Authentication Required)", e.Message);
        Assert.Contains("HTTPS_PROXY=http://user:password@proxy.example.com:3128", e.Message);
        Assert.Contains("download it yourself", e.Message);
    }

    [Fact]
    public void AProxyTunnelRefusedWith407SaysTheSame()
    {
        var entry = Entry(Md5Prefix(_content, 6));
        using var client = new HttpClient(new SocketsHttpHandler { Proxy = new WebProxy(_server.BaseUrl), UseProxy = true });
        var zoo = new PretrainedWeights(Settings() with { UrlBase = null, HttpClient = client }, [entry]);

        var e = Assert.Throws<OmlException>(() => Fetch(zoo, entry.Key));

        Assert.Equal("CONNECT", Assert.Single(_server.Requests).Method);
        Assert.Contains($"'tiny_test' from https://zoo.example.org{UrlPath}: the proxy asks for credentials (HTTP 407", e.Message);
        Assert.Contains("HTTPS_PROXY=http://user:password@", e.Message);
    }

    [Fact]
    public void NoServerListeningIsAConnectionRefusedMessage()
    {
        var entry = Entry(Md5Prefix(_content, 6));
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var zoo = new PretrainedWeights(Settings() with { UrlBase = $"http://127.0.0.1:{port}" }, [entry]);

        var e = Assert.Throws<OmlException>(() => Fetch(zoo, entry.Key));

        Assert.Contains($"'tiny_test' from http://127.0.0.1:{port}{UrlPath}: the connection to 127.0.0.1:{port} was refused (nothing listens there)", e.Message);
        Assert.Contains("check the network (a proxy is taken from HTTPS_PROXY / HTTP_PROXY / NO_PROXY)", e.Message);
        Assert.Contains("and give the path: extractor.args.weights=/path/tiny_test.ckpt", e.Message);
        Assert.Empty(Directory.GetFiles(CacheFolder));
    }

    [Fact]
    public void AHostThatDoesNotResolveSaysSo()
    {
        var entry = Entry(Md5Prefix(_content, 6));
        var zoo = new PretrainedWeights(Settings() with { UrlBase = "http://oml-zoo-test.invalid" }, [entry]);

        var e = Assert.Throws<OmlException>(() => Fetch(zoo, entry.Key));

        Assert.Contains("the host name oml-zoo-test.invalid cannot be resolved (no network, or no DNS)", e.Message);
    }

    [Fact]
    public void AFullDiskKeepsThePartSoFarAndSaysWhatToFree()
    {
        Assert.SkipUnless(File.Exists("/dev/full"), "needs /dev/full (Linux)");
        var entry = Entry(Md5Prefix(_content, 6));
        Directory.CreateDirectory(CacheFolder);
        File.CreateSymbolicLink(Path.Combine(CacheFolder, "tiny_test.ckpt.partial"), "/dev/full"); // every write: ENOSPC

        var e = Assert.Throws<OmlException>(() => Fetch(Zoo(entry), entry.Key));

        Assert.Contains($"'tiny_test' from {_server.BaseUrl}{UrlPath}: no space left on the device holding {CacheFolder}", e.Message);
        Assert.Contains($"free some space, or set {OmlCache.EnvironmentVariable} to a folder on another disk", e.Message);
        Assert.False(File.Exists(Path.Combine(CacheFolder, "tiny_test.ckpt")));
    }

    [Fact]
    public void TwoFetchesAtOnceDownloadOnce()
    {
        var entry = Entry(Md5Prefix(_content, 6));
        var zoo = Zoo(entry);
        var paths = new ConcurrentBag<string>();
        Parallel.For(0, 2, _ => paths.Add(Fetch(zoo, entry.Key)));
        Assert.Equal(2, paths.Count);
        Assert.Single(paths.Distinct());
        Assert.Single(_server.Requests);
        Assert.Equal(_content, File.ReadAllBytes(paths.First()));
    }

    [Fact]
    public void Sha256PrefixesAreCheckedLikeTorchvisionsFileNames()
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(_content))[..8];
        var entry = Entry("unused") with { Checksum = ZooChecksum.Sha256(sha) };
        Assert.Equal(_content, File.ReadAllBytes(Fetch(Zoo(entry), entry.Key)));

        var wrong = Entry("unused") with { Key = "other", FileName = "other.pth", Checksum = ZooChecksum.Sha256(sha == "00000000" ? "11111111" : "00000000") };
        var e = Assert.Throws<OmlException>(() => Fetch(Zoo(wrong), wrong.Key));
        Assert.Contains("expected sha256 starting with", e.Message);
    }

    [Fact]
    public void AnUnknownKeyIsAnError()
    {
        var e = Assert.Throws<OmlException>(() => Fetch(PretrainedWeights.FromEnvironment(), "vits16_dinno"));
        Assert.Equal("'vits16_dinno' is not a key of OML's model zoo; 'oml weights list' shows them all", e.Message);
    }

    private static string Fetch(PretrainedWeights zoo, string key, IProgress<PipelineEvent>? events = null, string configPath = ZooMessages.DefaultConfigPath) =>
        zoo.Fetch(key, PipelineDownloadObserver.For(events), configPath, TestContext.Current.CancellationToken);

    private PretrainedWeights Zoo(ZooEntry entry, int attempts = 1) => new(Settings() with { Attempts = attempts }, [entry]);

    private ZooSettings Settings() => new()
    {
        CacheFolder = CacheFolder,
        UrlBase = _server.BaseUrl,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        StallTimeout = TimeSpan.FromSeconds(20),
    };

    private static ZooEntry Entry(string md5Prefix) =>
        new("tiny_test", "vit", "vits16", new Dictionary<string, object?>(), [$"https://zoo.example.org{UrlPath}"], null,
            ZooChecksum.Md5(md5Prefix), "tiny_test.ckpt", CheckpointLayout.StateDict, "", "a test");

    private static string Md5Prefix(byte[] content, int digits) => Convert.ToHexStringLower(MD5.HashData(content))[..digits];

    /// <summary>Collects events synchronously (<see cref="Progress{T}"/> would post them later, on another thread).</summary>
    private sealed class EventList : List<PipelineEvent>, IProgress<PipelineEvent>
    {
        public void Report(PipelineEvent value)
        {
            lock (this) Add(value);
        }
    }
}
