using System.Security.Cryptography;
using System.Text;
using Oml.Zoo;

namespace Oml.Tests.Cli;

/// <summary>
/// <c>oml weights list | fetch | path</c> as a user runs them, against a local server standing in for the zoo's hosts
/// (<c>OML_ZOO_URL_BASE</c>) with OML's own table: the served file is no checkpoint, only bytes whose md5 starts with
/// vits16_dino's 6 hex digits (<see cref="Vits16DinoLookalike"/>), which is all that fetch and path check.
/// </summary>
public sealed class CliWeightsTests : TempDirectoryTest, IDisposable
{
    private const string DinoPath = "/dino/dino_deitsmall16_pretrain/dino_deitsmall16_pretrain.pth";
    private readonly ZooTestServer _server = new();

    public new void Dispose()
    {
        _server.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Bytes whose md5 starts with cf0f22, vits16_dino's prefix in OML's table (found by trying nonces 0, 1, 2, … once,
    /// about 36 million md5s: a 6-digit prefix is 24 bits, which is why it tells a truncated file, not a forged one).
    /// </summary>
    private static readonly byte[] Vits16DinoLookalike = Encoding.ASCII.GetBytes("Oml.Interactive zoo test file, not a checkpoint. nonce=36495427");

    private Dictionary<string, string> Environment => new()
    {
        [OmlCache.EnvironmentVariable] = Dir.File("cache"),
        [ZooSettings.UrlBaseVariable] = _server.BaseUrl,
    };

    private CliRunner.Result Oml(params string[] args) => CliRunner.Run(Dir.Path, TimeSpan.FromMinutes(2), Environment, args);

    [Fact]
    public void FetchDownloadsOnceAndPathPrintsTheCachedFile()
    {
        Assert.StartsWith("cf0f22", Convert.ToHexStringLower(MD5.HashData(Vits16DinoLookalike)));
        _server.Files[DinoPath] = Vits16DinoLookalike;
        var cached = Path.Combine(Dir.File("cache"), "torch", "checkpoints", "vits16_dino.ckpt");

        var before = Oml("weights", "path", "vits16_dino");
        Assert.Equal(2, before.ExitCode);
        Assert.Contains($"vits16_dino is not in the cache (it would be {cached}): run 'oml weights fetch vits16_dino'", before.All);
        Assert.DoesNotContain("   at ", before.All);

        var fetch = Oml("weights", "fetch", "vits16_dino");
        Assert.True(fetch.ExitCode == 0, fetch.All);
        Assert.Contains($"downloading vits16_dino from {_server.BaseUrl}{DinoPath} (0.0 MB)", fetch.Output);
        Assert.Contains($"downloaded vits16_dino: 0.0 MB in ", fetch.Output);
        Assert.EndsWith(cached + "\n", fetch.Output);
        Assert.Equal(Vits16DinoLookalike, File.ReadAllBytes(cached));
        Assert.Equal(DinoPath, Assert.Single(_server.Requests).Path);

        var path = Oml("weights", "path", "vits16_dino");
        Assert.True(path.ExitCode == 0, path.All);
        Assert.Equal(cached + "\n", path.Output);

        var again = Oml("weights", "fetch", "vits16_dino");
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Contains("vits16_dino is already in the cache (md5 starting with cf0f22: checked)", again.Output);
        Assert.Single(_server.Requests);

        var list = Oml("weights", "list");
        Assert.True(list.ExitCode == 0, list.All);
        var row = list.Output.Split('\n').Single(l => l.Contains(" vits16_dino ", StringComparison.Ordinal));
        Assert.Contains("vit vits16", row);
        Assert.Contains("cached", row);
        Assert.Contains(cached, row);
        Assert.Contains(list.Output.Split('\n'), l => l.Contains(" ecapa_tdnn_taoruijie ", StringComparison.Ordinal) && l.Contains("not yet", StringComparison.Ordinal));
        Assert.Contains($"cache: {Path.Combine(Dir.File("cache"), "torch", "checkpoints")}", list.Output);

        File.WriteAllText(cached, "damaged");
        var damaged = Oml("weights", "path", "vits16_dino");
        Assert.Equal(2, damaged.ExitCode);
        Assert.Contains($"vits16_dino: the cached {cached} is not the expected checkpoint", damaged.All);
        Assert.Contains("run 'oml weights fetch vits16_dino', which replaces it", damaged.All);
    }

    [Fact]
    public void FetchErrorsExitWith2AndAMessage()
    {
        var missing = Oml("weights", "fetch", "vits8_dino");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains($"cannot download the pretrained weights 'vits8_dino' from {_server.BaseUrl}/dino/dino_deitsmall8_pretrain/dino_deitsmall8_pretrain.pth: " +
                        "the server answered HTTP 404 Not Found", missing.All);
        Assert.Contains("and give the path: extractor.args.weights=/path/vits8_dino.ckpt", missing.All);
        Assert.DoesNotContain("internal error", missing.All);
        Assert.DoesNotContain("   at ", missing.All);

        var unknown = Oml("weights", "fetch", "vits16_dinno");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("'vits16_dinno' is not a key of OML's model zoo (did you mean 'vits16_dino'?)", unknown.All);

        var badBase = CliRunner.Run(Dir.Path, TimeSpan.FromMinutes(2), new Dictionary<string, string> { [ZooSettings.UrlBaseVariable] = "mirror" }, "weights", "list");
        Assert.Equal(2, badBase.ExitCode);
        Assert.Contains("OML_ZOO_URL_BASE = 'mirror' is not a base URL", badBase.All);
    }
}
