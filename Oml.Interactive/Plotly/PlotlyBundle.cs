using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Oml.Interactive;

/// <summary>
/// The plotly.js bundle embedded in this assembly: the npm tarball of plotly.js-basic-dist-min, unchanged
/// (third_party/plotly.js-basic-dist-min; build/update-plotly.sh replaces it and the two constants below).
/// </summary>
internal static class PlotlyBundle
{
    public const string Package = "plotly.js-basic-dist-min";
    public const string Version = "4.1.2";
    /// <summary>npm's <c>dist.integrity</c> of the tarball.</summary>
    public const string Integrity = "sha512-LvfKTeVYIKzEyMj9TuH+8ot0I7IMG1fET2YxgUtbpZVHd2fBrOlBFsk26wKgnAckHyNhKG7vDk4tEyqGCYs2Aw==";

    private const string ResourceName = "Oml.Interactive.Plotly.plotly.js-basic-dist-min.tgz";
    private const string ScriptEntry = "package/plotly-basic.min.js";

    private static readonly Lazy<byte[]> Script = new(ReadScript);
    private static readonly Lazy<string> GzipBase64Script = new(() => Convert.ToBase64String(Gzip(Script.Value)));

    /// <summary>plotly-basic.min.js as the tarball holds it.</summary>
    public static ReadOnlySpan<byte> ScriptBytes => Script.Value;

    /// <summary>plotly-basic.min.js gzipped and base64-encoded: what a page decodes with <c>DecompressionStream("gzip")</c>.</summary>
    public static string GzipBase64 => GzipBase64Script.Value;

    /// <summary>The embedded tarball's integrity in npm's form (<c>sha512-</c> and base64).</summary>
    public static string TarballIntegrity()
    {
        using var tarball = OpenTarball();
        return "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball));
    }

    private static Stream OpenTarball() =>
        typeof(PlotlyBundle).Assembly.GetManifestResourceStream(ResourceName)
        ?? throw new InvalidOperationException(
            $"{typeof(PlotlyBundle).Assembly.GetName().Name} was built without the plotly.js bundle (resource {ResourceName}); " +
            $"third_party/{Package}/{Package}-{Version}.tgz must exist at build time.");

    private static byte[] ReadScript()
    {
        using var tarball = OpenTarball();
        using var tar = new TarReader(new GZipStream(tarball, CompressionMode.Decompress));
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.Name != ScriptEntry || entry.DataStream is null) continue;
            using var script = new MemoryStream();
            entry.DataStream.CopyTo(script);
            return script.ToArray();
        }
        throw new InvalidOperationException($"The embedded {Package} tarball has no {ScriptEntry}.");
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }
}
