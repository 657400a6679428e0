using Oml.Registries;
using Oml.Training;

namespace Oml.Pipelines;

/// <summary>Where a training run stands; what goes into a checkpoint and comes back on resume.</summary>
internal sealed class RunState(TrainPipelineConfig config)
{
    public int EpochsCompleted { get; set; }
    public long GlobalStep { get; set; }
    public int StepsInEpoch { get; set; }
    public double? Best { get; set; }
    public int? BestEpoch { get; set; }
    public List<EpochRecord> History { get; } = [];
    public string? LastCheckpoint { get; set; }
    public string? BestCheckpoint { get; set; }

    /// <summary>The block of the trained model: the extractor, or the postprocessor's pairwise model.</summary>
    private ConfigBlock Model => config.Pairwise?.PairwiseModel ?? config.Extractor;

    public IReadOnlyDictionary<string, double> LastMetrics =>
        History.LastOrDefault(h => h.Metrics is not null)?.Metrics ?? new Dictionary<string, double>();

    /// <summary>Whether <paramref name="value"/> beats the best so far (NaN never does).</summary>
    public bool IsImprovement(double value)
    {
        if (double.IsNaN(value)) return false;
        if (Best is not { } best) return true;
        return config.ModeForCheckpointing == CheckpointMode.Max ? value > best : value < best;
    }

    public CheckpointState Snapshot(ScheduleStepper? schedule) => new()
    {
        EpochsCompleted = EpochsCompleted,
        GlobalStep = GlobalStep,
        Seed = config.Seed,
        MonitoredMetric = config.MetricForCheckpointing,
        Mode = config.ModeForCheckpointing == CheckpointMode.Max ? "max" : "min",
        BestMetric = Best,
        BestEpoch = BestEpoch,
        SchedulerSteps = schedule?.Steps ?? 0,
        PlateauValues = schedule?.PlateauValues.ToList() ?? [],
        ExtractorName = Model.Name,
        ExtractorArgs = Model.Args.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        History = History.ToList(),
        ConfigYaml = ConfigYaml.Serialize(config.Values),
    };

    public void RestoreFrom(CheckpointState state)
    {
        if (state.MonitoredMetric != config.MetricForCheckpointing)
        {
            throw new OmlException($"resume: the checkpoint monitors {state.MonitoredMetric} but metric_for_checkpointing is {config.MetricForCheckpointing}; resume with the run's config");
        }
        EpochsCompleted = state.EpochsCompleted;
        GlobalStep = state.GlobalStep;
        Best = state.BestMetric;
        BestEpoch = state.BestEpoch;
        History.AddRange(state.History);
    }
}
