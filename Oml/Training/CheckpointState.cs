namespace Oml.Training;

/// <summary>
/// The non-tensor part of a training checkpoint: where the run stands (epochs completed, optimizer steps,
/// scheduler steps and the values given to a plateau scheduler), the best monitored value so far, the history,
/// and the block of the trained model (<see cref="ExtractorName"/>, <see cref="ExtractorArgs"/>: the extractor, or in a
/// checkpoint of <c>oml train-postprocessor</c> the pairwise model), so that the model can be rebuilt from the checkpoint alone.
/// </summary>
public sealed record CheckpointState
{
    public const string FormatName = "oml-dotnet-checkpoint";

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = 1;
    public required int EpochsCompleted { get; init; }
    public required long GlobalStep { get; init; }
    public required int Seed { get; init; }
    public required string MonitoredMetric { get; init; }
    public required string Mode { get; init; }
    public double? BestMetric { get; init; }
    public int? BestEpoch { get; init; }
    public int SchedulerSteps { get; init; }
    public List<double> PlateauValues { get; init; } = [];
    public required string ExtractorName { get; init; }
    public required Dictionary<string, object?> ExtractorArgs { get; init; }
    public List<EpochRecord> History { get; init; } = [];
    public string? ConfigYaml { get; init; }
}
