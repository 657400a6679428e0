using System.Globalization;
using System.Text.RegularExpressions;

namespace Oml.Tests.Pipelines;

/// <summary>
/// TorchSharp hygiene of the training loop, measured in a fresh <c>oml train --memory-trace</c> process so that the
/// memory is the loop's alone (in the test process, other tests' heaps and finalizers blur it). It runs alone too: with
/// test classes beside it on a 2-core machine (and glibc malloc, no tcmalloc), the child's high-water mark kept rising
/// past the bound in the second half, on this code's base commit as well.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public sealed partial class TrainingHygieneTests(TrainingFixture fixture) : IClassFixture<TrainingFixture>
{
    private const string Tcmalloc = "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4";

    [Fact]
    public void TheTrainingLoopKeepsTheLiveTensorCountAndMemoryFlat()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("train.yaml", fixture.Config(dir.File("logs")));
        var environment = new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" };
        if (File.Exists(Tcmalloc)) environment["LD_PRELOAD"] = Tcmalloc;
        var run = CliRunner.Run(dir.Path, TimeSpan.FromMinutes(5), environment, "train", config, "--memory-trace", "max_epochs=80", "valid_period=1000");
        Assert.True(run.ExitCode == 0, run.All);

        var steps = TraceLine().Matches(run.Output).Select(m => (
            Tensors: long.Parse(m.Groups["tensors"].Value, CultureInfo.InvariantCulture),
            Native: double.Parse(m.Groups["resident"].Value, CultureInfo.InvariantCulture) - double.Parse(m.Groups["managed"].Value, CultureInfo.InvariantCulture)))
            .ToArray();
        Assert.Equal(160, steps.Length);

        // after the first update (which creates the optimizer state) the live tensor count never changes
        Assert.All(steps.Skip(2), s => Assert.Equal(steps[2].Tensors, s.Tensors));
        // native memory (RSS without the GC heap) moves with each batch (batches mine different numbers of triplets), so
        // a leak shows as a rising high-water mark: the second 80 steps must not go above the first 80 (a leaked autograd
        // graph would add megabytes per step). With tcmalloc it is flat from the start; glibc's heap (with the mallopt
        // settings of TorchRuntime.Configure) grows for about 100 steps before it has every block size it needs.
        var firstHalf = steps.Take(80).Max(s => s.Native);
        var secondHalf = steps.Skip(80).Max(s => s.Native);
        Assert.True(secondHalf - firstHalf < 30,
            $"native memory high-water mark rose from {firstHalf:0} to {secondHalf:0} MB: {string.Join(", ", steps.Select(s => s.Native.ToString("0", CultureInfo.InvariantCulture)))}");
    }

    [GeneratedRegex(@"memory step=\d+ tensors=(?<tensors>\d+) resident_mb=(?<resident>[\d.]+) managed_mb=(?<managed>[\d.]+)")]
    private static partial Regex TraceLine();
}
