using System.Threading.Channels;
using Oml.Pipelines.Events;

namespace Oml.Pipelines;

/// <summary>
/// Runs a pipeline on a thread of its own and streams its events to the front end that started it: the CLI reads
/// them as they come (<see cref="ReadEvents"/>), a notebook cell drains them between redraws (<see cref="TryRead"/>).
/// The pipeline never waits for its reader. <see cref="Result"/> gives the pipeline's return value or rethrows its
/// exception with the original stack.
/// </summary>
public sealed class PipelineWorker<T>
{
    /// <summary>TorchSharp's native calls and deep module trees need more than the default 1 MB stack.</summary>
    public const int StackBytes = 16 * 1024 * 1024;

    private readonly Channel<PipelineEvent> _events = Channel.CreateUnbounded<PipelineEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PipelineWorker()
    {
    }

    /// <summary>Starts <paramref name="pipeline"/> (given the event sink and <paramref name="cancellationToken"/>) on a new thread.</summary>
    public static PipelineWorker<T> Start(Func<IProgress<PipelineEvent>, CancellationToken, T> pipeline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var worker = new PipelineWorker<T>();
        var thread = new Thread(() => worker.Execute(pipeline, cancellationToken), StackBytes) { IsBackground = true, Name = "oml-pipeline" };
        thread.Start();
        return worker;
    }

    /// <summary>Completes with the pipeline's result or its exception, after its last event.</summary>
    public Task<T> Completion => _done.Task;

    /// <summary>Every event, blocking until the next one comes; ends after the pipeline's last event.</summary>
    public IEnumerable<PipelineEvent> ReadEvents()
    {
        var reader = _events.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var e)) yield return e;
        }
    }

    /// <summary>The next event if one is waiting.</summary>
    public bool TryRead(out PipelineEvent e) => _events.Reader.TryRead(out e!);

    /// <summary>The pipeline's result, waiting for it; rethrows the pipeline's exception as it was thrown.</summary>
    public T Result() => _done.Task.GetAwaiter().GetResult();

    private void Execute(Func<IProgress<PipelineEvent>, CancellationToken, T> pipeline, CancellationToken cancellationToken)
    {
        try
        {
            var sink = new Sink(_events.Writer);
            T result;
            // a checkpoint downloaded while the pipeline builds its extractor reports into the same stream
            using (Zoo.PretrainedWeights.ReportDownloadsTo(new PipelineDownloadObserver(sink))) result = pipeline(sink, cancellationToken);
            _events.Writer.TryComplete();
            _done.SetResult(result);
        }
        catch (Exception e)
        {
            _events.Writer.TryComplete();
            _done.SetException(e);
        }
    }

    private sealed class Sink(ChannelWriter<PipelineEvent> writer) : IProgress<PipelineEvent>
    {
        public void Report(PipelineEvent value) => writer.TryWrite(value);
    }
}
