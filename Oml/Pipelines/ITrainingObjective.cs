using Oml.Metrics;
using Oml.Pipelines.Events;
using Oml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Pipelines;

/// <summary>
/// What a training run optimises and how it is judged; the rest of the run (sampler, loader, optimizer, scheduler,
/// validation schedule, checkpoints, resume, logs, events) is the same for the extractor (<c>oml train</c>,
/// <see cref="ExtractorObjective"/>) and for a postprocessor's pairwise model (<c>oml train-postprocessor</c>,
/// <see cref="PairwiseObjective"/>), as OML's two pipelines share theirs.
/// </summary>
internal interface ITrainingObjective : IDisposable
{
    /// <summary>The module the optimizer trains and the checkpoints hold.</summary>
    nn.Module Model { get; }

    /// <summary>The checkpoint entry <see cref="Model"/> is saved under.</summary>
    string ModelEntry { get; }

    /// <summary>The loss's own parameters (ArcFace's class weights); saved as the checkpoint's criterion.</summary>
    nn.Module CriterionModule { get; }

    /// <summary>The loss of one batch (a scalar on the run's device) and what was measured on the way.</summary>
    (Tensor Loss, IReadOnlyDictionary<string, double> Logs) Loss(TrainBatch batch);

    /// <summary>The validation metrics of <see cref="Model"/> as it is now.</summary>
    EmbeddingMetricsResult Validate(Action<PipelineEvent> emit, CancellationToken cancellationToken);
}
