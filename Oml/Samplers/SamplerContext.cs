namespace Oml.Samplers;

/// <summary>
/// What a sampler factory gets besides its config args (OML injects <c>labels</c> and <c>label2category</c>).
/// </summary>
/// <param name="Labels">The label of every train row, in row order.</param>
/// <param name="Label2Category">Train label → category, or null when the dataset has no <c>category</c> column.</param>
/// <param name="Seed">The run's seed; every epoch's batches depend only on it and the epoch.</param>
public sealed record SamplerContext(IReadOnlyList<long> Labels, IReadOnlyDictionary<long, string>? Label2Category = null, int Seed = 0);
