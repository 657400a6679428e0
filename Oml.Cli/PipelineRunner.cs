using System.Globalization;
using static System.FormattableString;
using Oml.Pipelines;
using Oml.Pipelines.Events;

namespace Oml.Cli;

/// <summary>
/// Runs a pipeline on a worker thread and draws its events: a live progress display in a terminal, one line per
/// epoch / validation / checkpoint when the output is a file or a pipe. The first Ctrl+C asks the pipeline to stop
/// (it writes <c>last.ckpt</c> first); a second one ends the process.
/// </summary>
internal static class PipelineRunner
{
    public static T Run<T>(IAnsiConsole console, Func<IProgress<PipelineEvent>, CancellationToken, T> pipeline, bool memoryTrace = false)
    {
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (stop.IsCancellationRequested) return;
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var worker = PipelineWorker<T>.Start(pipeline, stop.Token);
            if (console.Profile.Capabilities.Interactive && !Console.IsOutputRedirected && !memoryTrace) DrawLive(console, worker.ReadEvents());
            else DrawLines(console, worker.ReadEvents(), memoryTrace);
            return worker.Result();
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static void DrawLines(IAnsiConsole console, IEnumerable<PipelineEvent> events, bool memoryTrace)
    {
        var downloadTenths = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e is WeightsDownloadProgress { TotalBytes: > 0 } d && d.Bytes * 10 / d.TotalBytes.Value is var tenth && tenth > downloadTenths.GetValueOrDefault(d.Key))
            {
                // a log gets one line per tenth of a download, not one per progress event
                downloadTenths[d.Key] = tenth;
                console.MarkupLine(Markup.Escape(Invariant($"{d.Key}: {tenth * 10}% ({Megabytes(d.Bytes)} of {Megabytes(d.TotalBytes.Value)} MB)")));
            }
            if (memoryTrace && e is TrainStepCompleted s)
            {
                console.MarkupLine(Invariant($"memory step={s.GlobalStep} tensors={s.LiveTensors} resident_mb={s.ResidentBytes / 1048576.0:0.0} managed_mb={s.ManagedBytes / 1048576.0:0.0}"));
            }
            var line = Describe(e);
            if (line is not null) console.MarkupLine(line);
        }
    }

    private static void DrawLive(IAnsiConsole console, IEnumerable<PipelineEvent> events)
    {
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask? task = null;
                ProgressTask? download = null;
                foreach (var e in events)
                {
                    switch (e)
                    {
                        case WeightsDownloadStarted started:
                            console.MarkupLine(Describe(started)!);
                            // a resumed try of the same download moves the same bar
                            if (download is null || download.IsFinished) download = context.AddTask(Markup.Escape($"downloading {started.Key}"));
                            download.MaxValue = started.TotalBytes ?? 1;
                            download.IsIndeterminate = started.TotalBytes is null;
                            download.Value = started.ResumedFrom;
                            break;
                        case WeightsDownloadProgress bytes when download is not null:
                            download.Description = Markup.Escape(Invariant($"downloading {bytes.Key} {Megabytes(bytes.Bytes)}") +
                                                                 (bytes.TotalBytes is { } total ? Invariant($"/{Megabytes(total)} MB") : " MB"));
                            download.Value = bytes.Bytes;
                            break;
                        case WeightsDownloadCompleted done when download is not null:
                            download.IsIndeterminate = false;
                            download.MaxValue = Math.Max(1, done.Bytes);
                            download.Value = download.MaxValue;
                            download.StopTask();
                            console.MarkupLine(Describe(done)!);
                            break;
                        case EpochStarted started:
                            task = context.AddTask(Markup.Escape($"epoch {started.Epoch + 1}"), maxValue: started.Steps);
                            break;
                        case TrainStepCompleted step when task is not null:
                            task.Description = Markup.Escape(Invariant(                    $"epoch {step.Epoch + 1} loss {step.Loss:0.0000} {step.ImagesPerSecond:0} img/s"));
                            task.Value = step.Step + 1;
                            break;
                        case ValidationStarted validation:
                            task = context.AddTask(Markup.Escape($"validation ({validation.Images} images)"), maxValue: validation.Images);
                            break;
                        case ValidationProgress done when task is not null:
                            task.Value = done.Done;
                            break;
                        default:
                            var line = Describe(e);
                            if (line is not null && e is not (TrainStepCompleted or ValidationProgress or WeightsDownloadProgress)) console.MarkupLine(line);
                            break;
                    }
                }
            });
    }

    /// <summary>The one-line description of an event, or null for events only the live display shows.</summary>
    public static string? Describe(PipelineEvent e) => e switch
    {
        RunStarted r => Markup.Escape(Invariant($"run {r.RunDirectory}: {r.TrainImages} train / {r.ValidationImages} validation images, {r.StepsPerEpoch} steps x {r.BatchSize} per epoch, {r.Parameters / 1e6:0.0}M parameters on {r.Device}") +
            (r.FirstEpoch > 0 ? Invariant($", resuming at epoch {r.FirstEpoch + 1}") : "")) +
            string.Concat(r.Notes.Select(n => "\n[grey]note:[/] " + Markup.Escape(n))),
        PipelineNote n => "[grey]note:[/] " + Markup.Escape(n.Message),
        WeightsDownloadStarted d => Markup.Escape($"downloading {d.Key} from {d.Url}" +
            (d.TotalBytes is { } total ? Invariant($" ({Megabytes(total)} MB)") : "") +
            (d.ResumedFrom > 0 ? Invariant($", resuming after {Megabytes(d.ResumedFrom)} MB") : "")),
        WeightsDownloadCompleted d => Markup.Escape(Invariant($"downloaded {d.Key}: {Megabytes(d.Bytes)} MB in {d.Duration.TotalSeconds:0.0} s -> {d.Path}")),
        EpochCompleted c => Markup.Escape(Invariant($"epoch {c.Epoch + 1}: loss {c.MeanLoss:0.0000}, {c.Seconds:0.0} s, {c.ImagesPerSecond:0} img/s, waited for data {c.DataWaitFraction:P0}")),
        ValidationCompleted v when v.MonitoredMetric.Length > 0 => Markup.Escape(Invariant($"validation after epoch {v.Epoch + 1}: {v.MonitoredMetric} = {v.MonitoredValue:0.0000}{(v.IsBest ? " (best so far)" : "")}, {v.Seconds:0.0} s")),
        CheckpointSaved s when s.Kind == "best" => Markup.Escape($"saved {s.Path}"),
        RunCompleted done => Markup.Escape(done.Result.StopReason switch
        {
            TrainStopReason.Cancelled => $"stopped; resume with: resume={done.Result.LastCheckpoint}",
            TrainStopReason.MaxTimeReached => "max_time reached",
            _ => $"done: {done.Result.EpochsCompleted} epochs",
        }),
        _ => null,
    };

    private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
}
