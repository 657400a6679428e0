using System.Diagnostics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Oml.Tests.Infrastructure;
using Oml.Tests.Interactive;
using KernelHost = Oml.Tests.Interactive.KernelHost;

namespace Oml.Tests.Analysis;

/// <summary>
/// The packaged route of a notebook: <c>#r "nuget: Oml.Interactive"</c> restores Microsoft.Data.Analysis with Oml, and
/// the kernel's extension loader (which runs for every restored package, dependencies included) loads the DataFrame
/// formatter that package ships in <c>interactive-extensions/dotnet</c>; so a DataFrame from Oml.Analysis renders as an
/// HTML table with nothing in Oml.Interactive to wire.
/// </summary>
[Collection(Oml.Tests.Interactive.KernelCollection.Name)]
public sealed class DataFrameFormattingTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task A_DataFrame_renders_as_an_html_table_after_r_nuget_of_the_packed_package()
    {
        var lines = await PackLocalAsync();
        using var kernel = KernelHost.Create();
        var load = await kernel.SubmitCodeAsync(string.Join("\n", lines));
        load.AssertSucceeded();

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
        // Oml.Interactive's DataFrameView replaces Microsoft.Data.Analysis's formatter (loaded before it): 4 significant
        // digits, nulls empty, every shown row static
        Assert.Contains("class=\"oml-dataframe\"", html, StringComparison.Ordinal);
        foreach (var column in new[] { "epoch", "loss", "lr", "seconds", "OVERALL/cmc/1" }) Assert.Contains($">{column}</th>", html, StringComparison.Ordinal);
        Assert.Contains(">0.5</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains(">0.001</td><td style=\"border:1px solid #ccc;padding:2px 6px;text-align:right;font-variant-numeric:tabular-nums\">2</td><td", html, StringComparison.Ordinal);
        Assert.DoesNotContain("&lt;null&gt;", html, StringComparison.Ordinal);   // epoch 1 was not validated: an empty cell
        Assert.DoesNotContain("dni-treeview\"><summary>", html, StringComparison.Ordinal);
    }

    private async Task<string[]> PackLocalAsync()
    {
        var versionFile = _directory.File("version.txt");
        var start = new ProcessStartInfo("bash", [Path.Combine(Repository(), "build", "pack-local.sh"), "--feed", _directory.File("feed"), "--version-file", versionFile, "--configuration", "Debug"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var pack = Process.Start(start)!;
        var printed = pack.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = pack.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await pack.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(pack.ExitCode == 0, await errors);
        return (await printed).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Repository()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Oml.Interactive.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    public void Dispose()
    {
        _directory.Dispose();
        Formatter.ResetToDefault();
    }
}
