using System.Collections.Concurrent;
using Oml.Pipelines.Events;

namespace Oml.Cli;

/// <summary>An <see cref="IProgress{T}"/> that queues events in order for the thread that draws them (unlike <c>Progress&lt;T&gt;</c>, which may reorder).</summary>
internal sealed class EventQueue : IProgress<PipelineEvent>, IDisposable
{
    private readonly BlockingCollection<PipelineEvent> _events = new();

    public void Report(PipelineEvent value) => _events.Add(value);

    public void Complete() => _events.CompleteAdding();

    public IEnumerable<PipelineEvent> Consume() => _events.GetConsumingEnumerable();

    public void Dispose() => _events.Dispose();
}
