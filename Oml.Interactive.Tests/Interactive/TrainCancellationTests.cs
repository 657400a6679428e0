using System.Diagnostics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;
using Oml.Interactive;
using Oml.Training;

namespace Oml.Tests.Interactive;

/// <summary>
/// Interrupting a running #!oml-train cell, as a host does: the <see cref="Cancel"/> command (Jupyter's interrupt) or
/// the token given to <c>Kernel.SendAsync</c>. .NET Interactive ends the cell at once ("Command cancelled." /
/// a cancelled task); the pipeline sees the cell's token, stops within a step and writes <c>last.ckpt</c>.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class TrainCancellationTests : TrainingKernelTest
{
    public TrainCancellationTests()
    {
        OmlKernelExtension.LiveUpdateInterval = TimeSpan.FromMilliseconds(100);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cancelling_a_training_cell_stops_it_early_keeps_a_last_checkpoint_and_the_kernel_stays_usable(bool cancelCommand)
    {
        var logs = Dir.File("logs");
        var config = Dir.Write("train.yaml", TrainingData.Config(logs));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var firstUpdate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = Kernel.KernelEvents.Subscribe(e =>
        {
            if (e is DisplayedValueUpdated) firstUpdate.TrySetResult();
        });

        var submit = Kernel.SendAsync(new SubmitCode($"#!oml-train --config \"{config}\" --set max_epochs=200 --name run"), cts.Token);
        await firstUpdate.Task.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        var sinceCancel = Stopwatch.StartNew();
        if (cancelCommand)
        {
            (await Kernel.SendAsync(new Cancel(), TestContext.Current.CancellationToken)).AssertSucceeded();
            var result = await submit.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.Equal("Command cancelled.", result.Failure());
            Assert.DoesNotContain(result.Events.OfType<DisplayedValueProduced>(), p => p.Html().Contains("oml-training-run", StringComparison.Ordinal));
        }
        else
        {
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => submit.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        }

        // the cell is over; the pipeline (on its own thread) stops within one step and keeps the last checkpoint
        var last = Path.Combine(logs, "run", "checkpoints", "last.ckpt");
        while (!File.Exists(last) && sinceCancel.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.True(File.Exists(last), $"no {last} {sinceCancel.Elapsed.TotalSeconds:0.0} s after the cancel");
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        var written = File.GetLastWriteTimeUtc(last);
        var state = TrainingCheckpoint.ReadState(last);
        Assert.True(state.EpochsCompleted <= 2, $"{state.EpochsCompleted} epochs of 200 before the cancel took effect");
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        Assert.Equal(written, File.GetLastWriteTimeUtc(last)); // training really stopped: no later epoch rewrote it

        // the cancelled cell binds nothing, not even after the pipeline returned (the trained model was freed)
        var unbound = await Kernel.SubmitCodeAsync("run");
        Assert.Contains(unbound.Events, e => e is Microsoft.DotNet.Interactive.Events.CommandFailed);

        var next = await Kernel.SubmitCodeAsync("1 + 1");
        next.AssertSucceeded();
        Assert.Equal(2, next.ReturnValue());
    }
}
