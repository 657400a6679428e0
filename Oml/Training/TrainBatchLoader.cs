using System.Collections.Concurrent;
using System.Diagnostics;
using Oml.Images;

namespace Oml.Training;

/// <summary>
/// Loads the batches of one epoch ahead of the training step: with <c>workers</c> &gt; 0 a background task decodes
/// up to <c>prefetch</c> batches (each on <c>workers</c> threads) while the model trains on the current one; with
/// 0 workers each batch is decoded on the calling thread when asked for (OML's <c>num_workers: 0</c>).
/// Batches are the same either way: every sample's augmentation depends only on (seed, epoch, row).
/// </summary>
public sealed class TrainBatchLoader : IDisposable
{
    private readonly ImageDataset _dataset;
    private readonly IReadOnlyList<int[]> _batches;
    private readonly int _epoch;
    private readonly int _workers;
    private readonly BlockingCollection<TrainBatch>? _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task? _producer;
    private int _next;

    public TrainBatchLoader(ImageDataset dataset, IReadOnlyList<int[]> batches, int epoch, int workers, int prefetch = 2)
    {
        _dataset = dataset;
        _batches = batches;
        _epoch = epoch;
        _workers = workers;
        if (workers > 0 && batches.Count > 0)
        {
            _queue = new BlockingCollection<TrainBatch>(Math.Max(1, prefetch));
            _producer = Task.Factory.StartNew(Produce, TaskCreationOptions.LongRunning);
        }
    }

    public int Count => _batches.Count;

    /// <summary>Seconds the caller has waited for batches so far.</summary>
    public double WaitSeconds { get; private set; }

    /// <summary>The next batch (dispose it after the step), or null after the last one.</summary>
    public TrainBatch? Next()
    {
        if (_next >= _batches.Count) return null;
        var clock = Stopwatch.StartNew();
        try
        {
            if (_queue is null) return Load(_next++);
            try
            {
                var batch = _queue.Take(_stop.Token);
                _next++;
                return batch;
            }
            catch (InvalidOperationException) when (_producer!.IsFaulted)
            {
                throw Unwrap(_producer.Exception!);
            }
        }
        finally
        {
            WaitSeconds += clock.Elapsed.TotalSeconds;
        }
    }

    private TrainBatch Load(int index)
    {
        var rows = _batches[index];
        var images = _dataset.LoadBatch(rows, _epoch, Math.Max(1, _workers));
        var labels = rows.Select(r => _dataset.Rows[r].Label).ToArray();
        return new TrainBatch(index, rows, images, labels);
    }

    private void Produce()
    {
        try
        {
            for (var i = 0; i < _batches.Count && !_stop.IsCancellationRequested; i++)
            {
                var batch = Load(i);
                try
                {
                    _queue!.Add(batch, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    batch.Dispose();
                    return;
                }
            }
        }
        finally
        {
            _queue!.CompleteAdding();
        }
    }

    private static Exception Unwrap(AggregateException e) =>
        e.InnerExceptions.Count == 1 ? e.InnerExceptions[0] : e;

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _producer?.Wait();
        }
        catch (AggregateException)
        {
            // a loading error was already reported to the consumer, or nobody asked for that batch
        }
        if (_queue is not null)
        {
            while (_queue.TryTake(out var left)) left.Dispose();
            _queue.Dispose();
        }
        _stop.Dispose();
    }
}
