using System.Diagnostics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Oml.Interactive;

namespace Oml.Tests.Interactive;

/// <summary>
/// The packaged route: build/pack-local.sh packs Oml and Oml.Interactive into a local feed with a fresh version,
/// then a notebook's two lines (#i the feed, #r nuget the package) restore it and run its extension.dib.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class PackageLoadTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task The_packed_extension_loads_with_i_and_r_nuget_and_its_magics_work()
    {
        var repo = RepositoryRoot.Path;
        var feed = _directory.File("feed");
        var versionFile = _directory.File("version.txt");
        var pack = Process.Start(new ProcessStartInfo("bash", [Path.Combine(repo, "build", "pack-local.sh"), "--feed", feed, "--version-file", versionFile, "--configuration", "Debug"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var printed = await pack.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = await pack.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await pack.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(pack.ExitCode == 0, errors);
        var version = File.ReadAllText(versionFile).Trim();
        var lines = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([$"#i \"nuget: {feed}\"", $"#r \"nuget: Oml.Interactive, {version}\""], lines);

        using var kernel = KernelHost.Create();
        var load = await kernel.SubmitCodeAsync(string.Join("\n", lines));
        load.AssertSucceeded();
        Assert.Contains(kernel.KernelInfo.SupportedDirectives, d => d.Name == OmlKernelExtension.TrainMagic);

        var csv = _directory.Write("tiny/df.csv", "label,path\n1,a.jpg\n");
        var failed = await kernel.SubmitCodeAsync($"#!oml-dataset \"{csv}\"");
        Assert.NotNull(failed.Failure());
        Assert.DoesNotContain("   at ", failed.Failure());
        var torch = await kernel.SubmitCodeAsync("TorchSharp.torch.ones(2, 3).sum().item<float>()");
        torch.AssertSucceeded();
        Assert.Equal(6f, torch.ReturnValue());

        // the package brings USearch's natives (libusearch_c.so and libnumkong.so) as it brings SkiaSharp's
        var hnsw = await kernel.SubmitCodeAsync("""
            Oml.Retrieval.HnswIndex.LibraryVersion + " " + Oml.Retrieval.HnswIndex.Build(new float[] { 0, 0, 1, 1, 2, 2 }, 2, Oml.Retrieval.DistanceKind.Euclidean, Oml.Retrieval.HnswSettings.Default).Count
            """);
        hnsw.AssertSucceeded();
        Assert.Equal("2.26.6 3", hnsw.ReturnValue());

        // #r restores Microsoft.Data.Analysis with Oml and loads its DataFrame formatter; Oml.Interactive's DataFrameView
        // replaces it (4 significant digits, nulls empty, every shown row static)
        var history = await kernel.SubmitCodeAsync("""
            using Oml.Analysis;
            new Oml.Training.EpochRecord[]
            {
                new(0, 1.5, 2.0, 1e-3, null),
                new(1, 1.0, 4.0, 1e-3, new Dictionary<string, double> { ["OVERALL/cmc/1"] = 0.5 }),
            }.ToDataFrame()
            """);
        history.AssertSucceeded();
        var html = history.Events.OfType<ReturnValueProduced>().Single().Html();
        Assert.Contains("class=\"oml-dataframe\"", html, StringComparison.Ordinal);
        foreach (var column in new[] { "epoch", "loss", "lr", "seconds", "OVERALL/cmc/1" }) Assert.Contains($">{column}</th>", html, StringComparison.Ordinal);
        Assert.Contains(">0.5</td></tr>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("&lt;null&gt;", html, StringComparison.Ordinal);   // epoch 1 was not validated: an empty cell
        Assert.DoesNotContain("dni-treeview", html, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _directory.Dispose();
        Formatter.ResetToDefault();
    }
}
