using static System.FormattableString;
using Oml.Data;
using Oml.Images;
using Oml.Metrics;
using Oml.Miners;
using Oml.Pipelines.Events;
using Oml.Postprocessing;
using Oml.Retrieval;
using Oml.Training;
using Oml.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Pipelines;

/// <summary>
/// <c>oml train-postprocessor</c>'s objective (OML's <c>oml/lightning/modules/pairwise_postprocessing.py:
/// PairwiseModule.training_step</c>): pairs mined on the baseline extractor's cached embeddings of a batch
/// (<see cref="PairsMiner"/>), the pairwise model's logits on the pairs' images (or embeddings, for models that take
/// them), binary cross-entropy with target 1 for a negative pair. Validation re-ranks the extractor's retrieval of the
/// validation split with the model as it is now (the <c>pairwise_reranker</c> of the config); the metrics of the
/// extractor alone are computed once, at the first validation, and reported as a note.
/// </summary>
internal sealed class PairwiseObjective : ITrainingObjective
{
    private readonly PairwiseReranker _reranker;
    private readonly nn.Module<Tensor, Tensor, Tensor> _forward;
    private readonly PairsMiner _miner;
    private readonly Tensor _trainEmbeddings;
    private readonly Tensor _validationEmbeddings;
    private readonly IRowImages _validationImages;
    private readonly RetrievalSetup _validationSetup;
    private readonly IReadOnlyList<string?>? _categories;
    private readonly MetricArgs _metricArgs;
    private readonly RetrievalMethod _retrieval;
    private readonly Device _device;

    public PairwiseObjective(PairwiseReranker reranker, string modelPath, PairsMiner miner, Tensor trainEmbeddings, Tensor validationEmbeddings,
        DatasetFrame frame, ImageDataset validation, MetricArgs metricArgs, RetrievalMethod retrieval, Device device)
    {
        _reranker = reranker;
        if (reranker.PairwiseModel is not nn.Module<Tensor, Tensor, Tensor> module || !module.parameters().Any())
        {
            throw new OmlException($"{modelPath}: {reranker.PairwiseModel.GetType().Name} has nothing to train (no parameters); " +
                                   "train a concat_siamese (a model on image pairs) or a linear_siamese (on embeddings)");
        }
        _forward = module;
        (_miner, _trainEmbeddings, _validationEmbeddings, _metricArgs, _retrieval, _device) = (miner, trainEmbeddings, validationEmbeddings, metricArgs, retrieval, device);
        _validationImages = new DatasetRowImages(validation);
        _validationSetup = ValidationSet.Setup(frame);
        _categories = ValidationSet.Categories(frame);
        CriterionModule = nn.Sequential();
    }

    public nn.Module Model => (nn.Module)_forward;

    public IPairwiseModel PairwiseModel => _reranker.PairwiseModel;

    public string ModelEntry => CheckpointFile.PairwiseModelEntry;

    /// <summary>Binary cross-entropy has no parameters; the checkpoint's criterion entry is an empty module.</summary>
    public nn.Module CriterionModule { get; }

    /// <summary>The metrics of the extractor alone, once the first validation has run.</summary>
    public EmbeddingMetricsResult? Baseline { get; private set; }

    public (Tensor Loss, IReadOnlyDictionary<string, double> Logs) Loss(TrainBatch batch)
    {
        var rows = tensor(batch.Rows.Select(r => (long)r).ToArray());
        var features = _trainEmbeddings.index_select(0, rows);
        var pairs = _miner.Mine(features, batch.Labels);
        var inputs = PairwiseModel.Input == PairwiseInput.Images ? batch.Images.to(_device) : features.to(_device);
        var x1 = inputs.index_select(0, tensor(pairs.First.Select(i => (long)i).ToArray(), device: _device));
        var x2 = inputs.index_select(0, tensor(pairs.Second.Select(i => (long)i).ToArray(), device: _device));
        var logits = _forward.forward(x1, x2).reshape(-1);
        var target = tensor(pairs.IsNegative.Select(n => n ? 1f : 0f).ToArray(), device: _device);
        var loss = nn.functional.binary_cross_entropy_with_logits(logits, target);
        var logs = new Dictionary<string, double>
        {
            ["pairs"] = pairs.Count,
            ["negative_pairs"] = pairs.NegativeCount,
        };
        return (loss, logs);
    }

    public EmbeddingMetricsResult Validate(Action<PipelineEvent> emit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Baseline is not null)
        {
            return EmbeddingMetrics.Compute(_validationEmbeddings, _validationSetup, _metricArgs, _categories, postprocessor: _reranker, images: _validationImages,
                retrieval: _retrieval);
        }
        var (plain, reranked) = EmbeddingMetrics.ComputeWithAndWithout(_validationEmbeddings, _validationSetup, _metricArgs, _categories,
            postprocessor: _reranker, images: _validationImages, retrieval: _retrieval);
        Baseline = plain;
        emit(new PipelineNote("the extractor alone (before re-ranking): " +
                              string.Join(", ", plain.Metrics.Where(m => m.Key.StartsWith("OVERALL/", StringComparison.Ordinal)).Select(m => Invariant($"{m.Key} = {m.Value:F4}")))));
        return reranked!;
    }

    public void Dispose()
    {
        _trainEmbeddings.Dispose();
        _validationEmbeddings.Dispose();
        CriterionModule.Dispose();
    }
}
