using System.Text.Json;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Oml.Interactive;
using Oml.Pipelines;
using Oml.Registries;
using Xunit.Sdk;

namespace Oml.Tests.Interactive;

/// <summary>
/// Runs every notebook of <c>notebooks/</c> in-process (<see cref="KernelHost"/>), cell by cell, in a fresh copy of
/// the folder (notebook + configs, no data, no logs: as on a fresh machine), and fails on the first failed cell.
/// The first cell (<c>#!import oml-local.dib</c>, the packed local build) is replaced by loading the extension from
/// this build (<c>#r</c> + <c>OmlKernelExtension.Load</c>): the test process already has Oml loaded, a second copy
/// from the feed would split the types. The packed route runs under real Jupyter in <c>notebooks/run-all.sh</c>.
/// </summary>
[Collection(KernelCollection.Name)]   // runs alone: the kernel's working directory is the process's
public sealed class NotebookTests : IDisposable
{
    private const string LoadCell = "#!import oml-local.dib";

    /// <summary>The notebooks that train, and the variable their run is bound to: each must show a model that learns.</summary>
    private static readonly Dictionary<string, string> TrainingNotebooks = new()
    {
        ["train.ipynb"] = "run",
        ["custom_components.ipynb"] = "custom",
    };
    private readonly TempDirectory _directory = new();
    private readonly ITestOutputHelper _output;

    public NotebookTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(NotebookFolder(), "*.ipynb").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(path));
        return data;
    }

    [Fact]
    public void Every_notebook_uses_the_net_csharp_kernel_relative_paths_and_loads_the_local_build_first()
    {
        var notebooks = Directory.GetFiles(NotebookFolder(), "*.ipynb");
        Assert.True(notebooks.Length >= 4, "notebooks/ should hold train, validate, visualization and custom_components");
        foreach (var path in notebooks)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            Assert.Equal(".net-csharp", doc.RootElement.GetProperty("metadata").GetProperty("kernelspec").GetProperty("name").GetString());
            var code = Cells(path).ToArray();
            Assert.Contains("oml-local.dib is missing: run notebooks/use-local-build.sh", code[0].Source, StringComparison.Ordinal);
            Assert.Equal(LoadCell, code[1].Source.Trim());
            Assert.All(code, c => Assert.DoesNotContain("/work/", c.Source, StringComparison.Ordinal));
            Assert.All(code, c => Assert.DoesNotContain("/home/", c.Source, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void No_notebook_builds_html_by_hand_embeds_images_or_parses_csv()
    {
        foreach (var path in Directory.GetFiles(NotebookFolder(), "*.ipynb"))
        {
            foreach (var cell in Cells(path))
            {
                foreach (var banned in new[] { "Html(", ".Html(", "data:image", "<img", "<div", "HtmlFragment", "IndexOf(',')", "Split(',')", "ReadLines(" })
                {
                    Assert.False(cell.Source.Contains(banned, StringComparison.Ordinal),
                        $"{Path.GetFileName(path)}: a code cell contains '{banned}': render with a view or a formatter instead\n{cell.Source}");
                }
            }
        }
    }

    [Fact]
    public async Task A_missing_local_package_is_one_line_saying_what_to_run()
    {
        var check = Cells(Path.Combine(NotebookFolder(), "train.ipynb")).First().Source;
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = _directory.Path;   // no oml-local.dib here
        try
        {
            using var kernel = KernelHost.Create();
            var result = await kernel.SendAsync(new SubmitCode(check, "csharp"), TestContext.Current.CancellationToken);
            var failed = Assert.Single(result.Events.OfType<CommandFailed>());
            Assert.Equal("oml-local.dib is missing: run notebooks/use-local-build.sh, then restart the kernel", failed.Message);
            File.WriteAllText(_directory.File("oml-local.dib"), "");
            result = await kernel.SendAsync(new SubmitCode(check, "csharp"), TestContext.Current.CancellationToken);
            Assert.Empty(result.Events.OfType<CommandFailed>());
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_top_to_bottom_without_a_failed_cell(string notebook)
    {
        var source = NotebookFolder();
        File.Copy(Path.Combine(source, notebook), _directory.File(notebook));
        File.WriteAllText(_directory.File("oml-local.dib"), "");   // what use-local-build.sh writes; the load cell is replaced below
        CopyFolder(Path.Combine(source, "configs"), _directory.File("configs"));
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = _directory.Path;   // dotnet-interactive starts the kernel in the notebook's folder
        using var kernel = KernelHost.Create();
        // custom_components.ipynb adds entries to the process-global registries: take them out again afterwards
        var registered = (Losses: Registry.Losses.Names.ToHashSet(), Samplers: Registry.Samplers.Names.ToHashSet(), Extractors: Registry.Extractors.Names.ToHashSet());
        try
        {
            var htmlOutputs = 0;
            var index = 0;
            foreach (var cell in Cells(_directory.File(notebook)))
            {
                index++;
                var code = cell.Source.Trim() == LoadCell
                    ? $"#r \"{typeof(OmlKernelExtension).Assembly.Location}\"\nOml.Interactive.OmlKernelExtension.Load(Microsoft.DotNet.Interactive.Kernel.Root);"
                    : cell.Source;
                using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
                var started = DateTime.UtcNow;
                var result = await kernel.SendAsync(new SubmitCode(code, cell.Kernel), cts.Token);
                _output.WriteLine($"{notebook} cell {index}: {(DateTime.UtcNow - started).TotalSeconds:0.0} s  {FirstLine(cell.Source)}");
                if (result.Events.OfType<CommandFailed>().FirstOrDefault() is { } failed)
                {
                    var diagnostics = string.Join("\n", result.Events.OfType<DiagnosticsProduced>().SelectMany(d => d.Diagnostics).Select(d => d.ToString()));
                    throw new XunitException($"{notebook} code cell {index} failed: {failed.Message}\n{diagnostics}\n--- cell ---\n{cell.Source}");
                }
                htmlOutputs += result.Events.OfType<DisplayEvent>()
                    .Count(e => e.FormattedValues.Any(v => v.MimeType == HtmlFormatter.MimeType && (v.Value.Contains("<svg", StringComparison.Ordinal) || v.Value.Contains(";base64,", StringComparison.Ordinal))));
            }
            Assert.True(htmlOutputs > 0, $"{notebook} showed no picture (inline SVG or PNG)");
            if (TrainingNotebooks.TryGetValue(notebook, out var variable)) AssertTheModelLearns(kernel, notebook, variable);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            foreach (var name in Registry.Losses.Names.Except(registered.Losses).ToArray()) Registry.Losses.Remove(name);
            foreach (var name in Registry.Samplers.Names.Except(registered.Samplers).ToArray()) Registry.Samplers.Remove(name);
            foreach (var name in Registry.Extractors.Names.Except(registered.Extractors).ToArray()) Registry.Extractors.Remove(name);
        }
    }

    /// <summary>
    /// A quality assertion with the notebook's fixed seed: the best validation metric rises clearly above the first
    /// validation's (before the pretrained backbone, train.ipynb went 0.1375 → 0.0625 → 0.025).
    /// </summary>
    private void AssertTheModelLearns(CompositeKernel kernel, string notebook, string variable)
    {
        var csharp = (CSharpKernel)kernel.FindKernelByName("csharp");
        Assert.True(csharp.TryGetValue<TrainRunResult>(variable, out var run), $"{notebook} bound no TrainRunResult '{variable}'");
        var validated = run.History.Where(h => h.Metrics is not null).ToList();
        var curve = string.Join(" → ", validated.Select(h => h.Metrics![run.MonitoredMetric].ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)));
        _output.WriteLine($"{notebook}: {run.MonitoredMetric} per validation {curve}; best epoch {run.BestEpoch?.Epoch + 1}");
        Assert.True(validated.Count >= 3, $"{notebook}: {validated.Count} validations, at least 3 expected to see learning");
        var first = validated[0].Metrics![run.MonitoredMetric];
        Assert.True(run.BestMetric > first + 0.05, $"{notebook}: the model does not learn: {curve}");
    }

    public void Dispose()
    {
        _directory.Dispose();
        Formatter.ResetToDefault();
    }

    private sealed record Cell(string Source, string Kernel);

    /// <summary>The code cells of an .ipynb, with the kernel from the cell's polyglot metadata (C# by default).</summary>
    private static IEnumerable<Cell> Cells(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var cells = new List<Cell>();
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (cell.GetProperty("cell_type").GetString() != "code") continue;
            var source = cell.GetProperty("source") is { ValueKind: JsonValueKind.Array } lines
                ? string.Concat(lines.EnumerateArray().Select(l => l.GetString()))
                : cell.GetProperty("source").GetString() ?? "";
            if (string.IsNullOrWhiteSpace(source)) continue;
            var kernel = cell.TryGetProperty("metadata", out var m) && m.TryGetProperty("polyglot_notebook", out var p) && p.TryGetProperty("kernelName", out var k)
                ? k.GetString() ?? "csharp"
                : "csharp";
            cells.Add(new Cell(source, kernel));
        }
        return cells;
    }

    private static string NotebookFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Oml.Interactive.sln"))) return Path.Combine(dir.FullName, "notebooks");
        }
        throw new InvalidOperationException($"no Oml.Interactive.sln above {AppContext.BaseDirectory}");
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    private static string FirstLine(string source) => source.Trim().Split('\n')[0] is var l && l.Length > 70 ? l[..70] + "..." : source.Trim().Split('\n')[0];
}
