using Oml.Data;
using Oml.Images;
using Oml.Metrics;
using Oml.Models;
using Oml.Pipelines.Events;
using Oml.Registries;
using Oml.Training;
using Oml.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Pipelines;

/// <summary>
/// <c>oml train</c>'s objective: the criterion on the extractor's features of a batch; validation embeds the
/// validation split and computes the metrics (after the configured postprocessor, if any).
/// </summary>
internal sealed class ExtractorObjective : ITrainingObjective
{
    private readonly Criterion _criterion;
    private readonly ImageDataset _validation;
    private readonly TrainPipelineConfig _config;
    private readonly Device _device;
    private readonly Func<Tensor, EmbeddingMetricsResult> _computeMetrics;

    public ExtractorObjective(Extractor extractor, nn.Module criterionModule, ConfigBlock criterionBlock, TrainPipelineConfig config,
        DatasetFrame frame, ImageDataset validation, Device device)
    {
        Extractor = extractor;
        CriterionModule = criterionModule;
        _criterion = Criterion.From(criterionModule, criterionBlock);
        (_validation, _config, _device) = (validation, config, device);
        var validationSetup = ValidationSet.Setup(frame);
        var categories = ValidationSet.Categories(frame);
        PostprocessorBlock.RequireTrainedPairwiseModel(config.Postprocessor);
        var postprocessor = PostprocessorBlock.Create(config.Postprocessor, device);
        var retrieval = RetrievalBlock.Create(config.Validation.Retrieval, config.MetricArgs.Distance);
        var images = new Postprocessing.DatasetRowImages(validation);
        _computeMetrics = embeddings => EmbeddingMetrics.Compute(embeddings, validationSetup, config.MetricArgs, categories, postprocessor: postprocessor, images: images,
            retrieval: retrieval);
    }

    public Extractor Extractor { get; }

    public nn.Module Model => Extractor;

    public string ModelEntry => CheckpointFile.ExtractorEntry;

    public nn.Module CriterionModule { get; }

    public (Tensor Loss, IReadOnlyDictionary<string, double> Logs) Loss(TrainBatch batch)
    {
        var features = Extractor.forward(batch.Images.to(_device));
        using var labels = tensor(batch.Labels, device: _device);
        var loss = _criterion.Forward(features, labels);
        return (loss, _criterion.LastLogs());
    }

    public EmbeddingMetricsResult Validate(Action<PipelineEvent> emit, CancellationToken cancellationToken)
    {
        using var embeddings = EmbeddingExtraction.Run(Extractor, _validation, _config.BatchSizeVal, _config.NumWorkers, _device,
            (done, total) => emit(new ValidationProgress(done, total)), cancellationToken);
        return _computeMetrics(embeddings);
    }

    /// <summary>Frees the criterion; the extractor is the run's (see <see cref="TrainingSetup.HandOverModel"/>).</summary>
    public void Dispose() => CriterionModule.Dispose();
}
