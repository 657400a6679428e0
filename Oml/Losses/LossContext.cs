namespace Oml.Losses;

/// <summary>
/// What a loss factory gets besides its config args (OML injects <c>label2category</c> into the criterion).
/// </summary>
/// <param name="Label2Category">Train label → category, or null when the dataset has no <c>category</c> column.</param>
/// <param name="NumTrainLabels">How many distinct labels the train split has (checked against arcface's num_classes), or null if unknown.</param>
/// <param name="Seed">The run's seed, for miners that draw at random.</param>
public sealed record LossContext(IReadOnlyDictionary<long, string>? Label2Category = null, int? NumTrainLabels = null, int Seed = 0);
