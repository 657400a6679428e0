namespace Oml.Training;

/// <summary>One epoch of a run's history: mean training loss, time, and the validation metrics if it was validated.</summary>
public sealed record EpochRecord(int Epoch, double MeanLoss, double Seconds, double LearningRate, IReadOnlyDictionary<string, double>? Metrics);
