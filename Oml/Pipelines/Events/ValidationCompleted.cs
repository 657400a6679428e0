namespace Oml.Pipelines.Events;

/// <summary>
/// Validation metrics of an epoch (OML's flat names, <c>OVERALL/cmc/1</c>), the value of <c>metric_for_checkpointing</c>
/// and whether it is the best so far.
/// </summary>
public sealed record ValidationCompleted(
    int Epoch,
    IReadOnlyDictionary<string, double> Metrics,
    string MonitoredMetric,
    double MonitoredValue,
    bool IsBest,
    double Seconds) : PipelineEvent;
